using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAIChat = OpenAI.Chat;

namespace Agentic.Llm;

/// <summary>
/// A small <see cref="IChatClient"/> over the official OpenAI SDK's chat completions, for any OpenAI-compatible endpoint
/// (OpenAI, Azure OpenAI's v1 API, Ollama, vLLM, llama.cpp). Text messages only: what the analyzer and the edit proposer need.
/// </summary>
public sealed class OpenAiChatClient : IChatClient
{
    private readonly OpenAIChat.ChatClient _client;
    private readonly ChatClientMetadata _metadata;

    /// <param name="http">What requests go through; its handlers retry (the SDK's own retry policy is off).</param>
    public OpenAiChatClient(string model, string? apiKey, Uri? endpoint, TimeSpan timeout, HttpClient http)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var options = new OpenAIClientOptions
        {
            NetworkTimeout = timeout,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
        }

        // Local servers (Ollama, llama.cpp) take no key; the SDK wants one anyway.
        _client = new OpenAIChat.ChatClient(model, new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey), options);
        _metadata = new ChatClientMetadata("openai", endpoint ?? new Uri("https://api.openai.com/v1"), model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = messages.Select(Convert).ToList();
        var completionOptions = new OpenAIChat.ChatCompletionOptions
        {
            MaxOutputTokenCount = options?.MaxOutputTokens,
            Temperature = options?.Temperature,
        };
        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            completionOptions.ResponseFormat = OpenAIChat.ChatResponseFormat.CreateJsonObjectFormat();
        }

        var result = await _client.CompleteChatAsync(request, completionOptions, cancellationToken);
        var completion = result.Value;
        var text = string.Concat(completion.Content.Where(p => p.Kind == OpenAIChat.ChatMessageContentPartKind.Text).Select(p => p.Text));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = completion.Model,
            ResponseId = completion.Id,
            FinishReason = completion.FinishReason switch
            {
                OpenAIChat.ChatFinishReason.Length => ChatFinishReason.Length,
                OpenAIChat.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
                OpenAIChat.ChatFinishReason.ToolCalls => ChatFinishReason.ToolCalls,
                _ => ChatFinishReason.Stop,
            },
            Usage = completion.Usage is { } usage
                ? new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount }
                : null,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_client) ? _client
            : null;
    }

    public void Dispose()
    {
    }

    private static OpenAIChat.ChatMessage Convert(ChatMessage message)
    {
        var text = message.Text;
        return message.Role == ChatRole.System ? new OpenAIChat.SystemChatMessage(text)
            : message.Role == ChatRole.Assistant ? new OpenAIChat.AssistantChatMessage(text)
            : new OpenAIChat.UserChatMessage(text);
    }
}
