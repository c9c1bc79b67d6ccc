using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Agentic.CommandDispatcher.Tests.Infrastructure;

/// <summary>What the proposer sent: the messages and the options of one call.</summary>
internal sealed record ChatCall(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options);

/// <summary>An <see cref="IChatClient"/> answering scripted responses in order and recording every call; no answer left is an error.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly ConcurrentQueue<Func<ChatResponse>> _replies = new();
    private readonly ConcurrentQueue<ChatCall> _calls = new();

    public IReadOnlyList<ChatCall> Calls => [.. _calls];

    /// <summary>Queues an answer with the usage a provider reports (null: the provider reports none).</summary>
    public void Reply(string text, long? inputTokens = 1_500, long? outputTokens = 250, string? model = "gpt-test-2025-01-01") =>
        _replies.Enqueue(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = model,
            FinishReason = ChatFinishReason.Stop,
            Usage = inputTokens is null && outputTokens is null
                ? null
                : new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
        });

    /// <summary>Queues a failure of the call, as a provider's SDK throws on an HTTP error or a timeout.</summary>
    public void Fail(Exception exception) => _replies.Enqueue(() => throw exception);

    /// <summary>Held, every call waits for it before it answers (a slow model); released by <see cref="Release"/>.</summary>
    private TaskCompletionSource? _gate;

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate?.TrySetResult();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(new ChatCall([.. messages], options));
        cancellationToken.ThrowIfCancellationRequested();
        if (_gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return _replies.TryDequeue(out var reply)
            ? reply()
            : throw new InvalidOperationException("The scripted chat client has no answer left.");
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
