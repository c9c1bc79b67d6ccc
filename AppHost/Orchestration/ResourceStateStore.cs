namespace Agentic.AppHost.Orchestration;

/// <summary>The current snapshot of every resource and its recent console lines; raises <see cref="Changed"/> on updates.</summary>
public sealed class ResourceStateStore
{
    private const int KeptLines = 1000;
    private readonly Lock _gate = new();
    private readonly List<ResourceSnapshot> _snapshots = [];
    private readonly Dictionary<string, Queue<string>> _logs = new(StringComparer.Ordinal);

    public event EventHandler<ResourceSnapshot>? Changed;

    public void Add(ResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            _snapshots.Add(snapshot);
            _logs[snapshot.Name] = new Queue<string>();
        }
    }

    public IReadOnlyList<ResourceSnapshot> GetAll()
    {
        lock (_gate)
        {
            return [.. _snapshots];
        }
    }

    public ResourceSnapshot? Find(string name)
    {
        lock (_gate)
        {
            return _snapshots.Find(s => string.Equals(s.Name, name, StringComparison.Ordinal));
        }
    }

    /// <summary>Applies <paramref name="change"/> atomically; returns the previous and the new snapshot.</summary>
    public (ResourceSnapshot Before, ResourceSnapshot After) Update(string name, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        ResourceSnapshot before;
        ResourceSnapshot after;
        lock (_gate)
        {
            var index = _snapshots.FindIndex(s => string.Equals(s.Name, name, StringComparison.Ordinal));
            if (index < 0)
            {
                throw new KeyNotFoundException($"No resource named '{name}'.");
            }

            before = _snapshots[index];
            after = change(before);
            _snapshots[index] = after;
        }

        if (!Equals(before, after))
        {
            Changed?.Invoke(this, after);
        }

        return (before, after);
    }

    public void AppendLog(string name, string line)
    {
        lock (_gate)
        {
            if (_logs.TryGetValue(name, out var lines))
            {
                lines.Enqueue(line);
                if (lines.Count > KeptLines)
                {
                    lines.Dequeue();
                }
            }
        }
    }

    public IReadOnlyList<string>? GetLog(string name)
    {
        lock (_gate)
        {
            return _logs.TryGetValue(name, out var lines) ? [.. lines] : null;
        }
    }
}
