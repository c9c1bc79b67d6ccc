namespace Agentic.GitHub.Http;

/// <summary>A bounded least-recently-used cache of GET responses by credential and URL, for conditional requests.</summary>
internal sealed class ETagCache(int capacity)
{
    /// <summary>Bodies larger than this are not kept.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();

    public bool TryGet(string key, out Entry entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                entry = node.Value;
                return true;
            }
        }

        entry = null!;
        return false;
    }

    public void Set(string key, string etag, byte[] body, string? link)
    {
        if (capacity <= 0 || body.Length > MaxBodyBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Remove(key, out var existing))
            {
                _order.Remove(existing);
            }

            var node = _order.AddFirst(new Entry(key, etag, body, link));
            _entries[key] = node;
            while (_entries.Count > capacity && _order.Last is { } last)
            {
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
            }
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            if (_entries.Remove(key, out var node))
            {
                _order.Remove(node);
            }
        }
    }

    internal sealed record Entry(string Key, string ETag, byte[] Body, string? Link);
}
