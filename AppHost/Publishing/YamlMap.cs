using System.Collections;

namespace Agentic.AppHost.Publishing;

/// <summary>
/// A YAML mapping that keeps its keys in the order they were added (<c>apiVersion</c>, <c>kind</c>, <c>metadata</c>,
/// <c>spec</c> ...), so the manifests read like hand-written ones and come out byte for byte the same on every run.
/// Values are strings, integers, booleans, nested maps and sequences (any <see cref="IEnumerable"/> other than a
/// string); a null value leaves its key out. A key may carry a comment, written on the lines above it.
/// </summary>
public sealed class YamlMap : IEnumerable<YamlMap.Entry>
{
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public object? this[string key] => _entries.Find(entry => string.Equals(entry.Key, key, StringComparison.Ordinal))?.Value;

    public void Add(string key, object? value, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (value is null)
        {
            return;
        }

        if (_entries.Exists(entry => string.Equals(entry.Key, key, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The key '{key}' is already in this mapping.");
        }

        _entries.Add(new Entry(key, value, comment));
    }

    public void Add(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Add(entry.Key, entry.Value, entry.Comment);
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public sealed record Entry(string Key, object Value, string? Comment);
}
