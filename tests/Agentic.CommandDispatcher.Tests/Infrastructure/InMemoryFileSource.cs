using System.Collections.Concurrent;
using System.Text;
using Agentic.CommandDispatcher.Editing;
using Agentic.Contracts.Common;

namespace Agentic.CommandDispatcher.Tests.Infrastructure;

/// <summary>Files of the head commit held in memory, keeping <see cref="IRepositoryFileSource"/>'s contract (null when missing or over the cap); records what was asked.</summary>
internal sealed class InMemoryFileSource(IReadOnlyDictionary<string, string> files) : IRepositoryFileSource
{
    private readonly ConcurrentQueue<string> _requested = new();

    public IReadOnlyList<string> Requested => [.. _requested];

    public Task<RepositoryFile?> GetAsync(PullRequestRef pullRequest, string path, int maxBytes, CancellationToken cancellationToken)
    {
        _requested.Enqueue(path);
        return Task.FromResult(files.TryGetValue(path, out var content) && Encoding.UTF8.GetByteCount(content) <= maxBytes ? new RepositoryFile(path, content) : null);
    }
}
