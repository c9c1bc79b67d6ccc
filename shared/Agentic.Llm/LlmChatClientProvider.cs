using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Agentic.Llm;

/// <summary>The configured <see cref="IChatClient"/>, or none. Built once; the API key never leaves it.</summary>
public sealed class LlmChatClientProvider : IDisposable
{
    public LlmChatClientProvider(IOptions<LlmOptions> options, IHttpClientFactory httpClients)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        var llm = options.Value;
        Options = llm;
        Model = llm.Model;
        Client = llm.Provider.ToUpperInvariant() switch
        {
            "OPENAI" => new OpenAiChatClient(llm.Model, llm.ApiKey, llm.Endpoint, llm.Timeout, httpClients.CreateClient(LlmOptions.HttpClientName)),
            "ANTHROPIC" => CreateAnthropic(llm, httpClients.CreateClient(LlmOptions.HttpClientName)),
            _ => null,
        };
    }

    /// <summary>For tests: a given client.</summary>
    public LlmChatClientProvider(IChatClient? client, string model, LlmOptions? options = null)
    {
        Client = client;
        Model = model;
        Options = options ?? new LlmOptions { Provider = client is null ? LlmOptions.None : LlmOptions.OpenAi, Model = model };
    }

    public IChatClient? Client { get; }

    public string Model { get; }

    /// <summary>The effective options (prices, output cap); the key is never read from here for logging.</summary>
    public LlmOptions Options { get; }

    public bool IsEnabled => Client is not null;

    public void Dispose() => Client?.Dispose();

    // Retries are the HttpClient's (the standard resilience handler): the SDK's own are off.
    private static IChatClient CreateAnthropic(LlmOptions llm, HttpClient http)
    {
        var client = llm.Endpoint is null
            ? new AnthropicClient { ApiKey = llm.ApiKey!, Timeout = llm.Timeout, HttpClient = http, MaxRetries = 0 }
            : new AnthropicClient { ApiKey = llm.ApiKey!, Timeout = llm.Timeout, HttpClient = http, MaxRetries = 0, BaseUrl = llm.Endpoint.AbsoluteUri.TrimEnd('/') };
        return client.AsIChatClient(llm.Model, llm.MaxOutputTokens);
    }
}
