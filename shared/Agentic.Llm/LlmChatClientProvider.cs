using Agentic.CheckAnalyzer.Options;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Agentic.CheckAnalyzer.Llm;

/// <summary>The configured <see cref="IChatClient"/>, or none (rules only). Built once; the API key never leaves it.</summary>
public sealed class LlmChatClientProvider : IDisposable
{
    public LlmChatClientProvider(IOptions<CheckAnalyzerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var llm = options.Value.Llm;
        Model = llm.Model;
        Client = llm.Provider.ToUpperInvariant() switch
        {
            "OPENAI" => new OpenAiChatClient(llm.Model, llm.ApiKey, llm.Endpoint, llm.Timeout),
            "ANTHROPIC" => CreateAnthropic(llm),
            _ => null,
        };
    }

    /// <summary>For tests: a given client.</summary>
    public LlmChatClientProvider(IChatClient? client, string model)
    {
        Client = client;
        Model = model;
    }

    public IChatClient? Client { get; }

    public string Model { get; }

    public void Dispose() => Client?.Dispose();

    private static IChatClient CreateAnthropic(LlmOptions llm)
    {
        var client = new AnthropicClient { ApiKey = llm.ApiKey!, Timeout = llm.Timeout };
        if (llm.Endpoint is not null)
        {
            client = new AnthropicClient { ApiKey = llm.ApiKey!, Timeout = llm.Timeout, BaseUrl = llm.Endpoint.AbsoluteUri.TrimEnd('/') };
        }

        return client.AsIChatClient(llm.Model, llm.MaxOutputTokens);
    }
}
