using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// TAP (versions 13 and 14), as node's test runner (<c>node --test --test-reporter=tap</c>) and node-tap print it:
/// <c>not ok N - name</c> with an indented YAML diagnostics block (<c>---</c> … <c>...</c>) giving the place
/// (node: <c>location: 'path:line:col'</c>; node-tap: <c>at:</c> with <c>fileName</c>/<c>lineNumber</c>) and the
/// error. Subtests are indented and reported before their parent: a failure whose subtests failed is named as their
/// parent, not reported again, so each finding is a failing leaf (a test or an assertion) with its path of names.
/// </summary>
public sealed partial class TapParser : ILineParser
{
    private const int MaxEntries = 500;
    private const int MaxMessage = 300;

    private readonly List<FailureEntry> _entries = [];
    private FailureEntry? _yamlOwner;
    private int _yamlIndent = -1;
    private string? _key;
    private int _keyIndent;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (_yamlIndent >= 0)
        {
            AcceptYaml(line, findings);
            return;
        }

        if (_yamlOwner is not null && line.Trim() == "---")
        {
            _yamlIndent = Indent(line);
            _key = null;
            return;
        }

        _yamlOwner = null;
        if (!line.Contains("not ok ", StringComparison.Ordinal))
        {
            return;
        }

        var failed = NotOk().Match(line);
        if (!failed.Success || failed.Groups["directive"].Success)
        {
            return;
        }

        var indent = Indent(line);
        var name = failed.Groups["name"].Success ? failed.Groups["name"].Value.Trim() : $"test {failed.Groups["number"].Value}";
        var entry = new FailureEntry(indent, name);
        var children = _entries.Where(e => e.Indent > indent && e.Parent is null).ToList();
        if (children.Count > 0)
        {
            // A parent of failed subtests: its diagnostics only fill in what the children lack.
            entry.IsParent = true;
            foreach (var child in children)
            {
                child.Parent = entry;
            }
        }

        if (_entries.Count < MaxEntries)
        {
            _entries.Add(entry);
        }

        _yamlOwner = entry;
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var entry in _entries.Where(e => !e.IsParent))
        {
            var names = new List<string> { entry.Name };
            var (file, line, column) = (entry.File, entry.Line, entry.Column);
            for (var parent = entry.Parent; parent is not null; parent = parent.Parent)
            {
                names.Insert(0, parent.Name);
                if (file is null && parent.File is not null)
                {
                    (file, line, column) = (parent.File, parent.Line, parent.Column);
                }
            }

            findings.Add(new Finding(FindingKind.Test, "tap", file, line, column, string.Join(" › ", names), entry.Message ?? entry.Name));
        }

        _entries.Clear();
        (_yamlOwner, _yamlIndent, _key) = (null, -1, null);
    }

    private void AcceptYaml(string line, FindingCollector findings)
    {
        var entry = _yamlOwner!;
        var indent = Indent(line);
        var text = line.Trim();
        if (text == "..." && indent == _yamlIndent)
        {
            (_yamlOwner, _yamlIndent, _key) = (null, -1, null);
            return;
        }

        if (text.Length > 0 && indent < _yamlIndent)
        {
            // The block was not closed: leave it and read the line as TAP.
            (_yamlOwner, _yamlIndent, _key) = (null, -1, null);
            Accept(line, findings);
            return;
        }

        if (text.Length == 0)
        {
            return;
        }

        if (_key is not null && indent > _keyIndent)
        {
            AcceptNested(entry, text);
            return;
        }

        var pair = KeyValue().Match(text);
        if (!pair.Success)
        {
            _key = null;
            return;
        }

        (_key, _keyIndent) = (pair.Groups["key"].Value, indent);
        var value = Unquote(pair.Groups["value"].Value.Trim());
        switch (_key)
        {
            case "location" when value.Length > 0:
            case "at" when value.Length > 0:
                SetLocation(entry, value);
                break;
            case "error" or "message" when value.Length > 0 && value[0] is not ('|' or '>'):
                AppendMessage(entry, value);
                break;
        }
    }

    private void AcceptNested(FailureEntry entry, string text)
    {
        switch (_key)
        {
            case "at":
                var pair = KeyValue().Match(text);
                if (!pair.Success)
                {
                    return;
                }

                var value = Unquote(pair.Groups["value"].Value.Trim());
                if (pair.Groups["key"].Value is "fileName" or "file" && entry.File is null && Repository(value) is { } file)
                {
                    entry.File = file;
                }
                else if (pair.Groups["key"].Value is "lineNumber" or "line" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    entry.Line ??= number;
                }
                else if (pair.Groups["key"].Value is "columnNumber" or "column" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var column))
                {
                    entry.Column ??= column;
                }

                break;
            case "error" or "message":
                AppendMessage(entry, text);
                break;
        }
    }

    private static void SetLocation(FailureEntry entry, string value)
    {
        var location = Location().Match(value);
        if (location.Success && Repository(location.Groups["file"].Value) is { } file)
        {
            entry.File = file;
            entry.Line = int.Parse(location.Groups["line"].Value, CultureInfo.InvariantCulture);
            entry.Column = location.Groups["col"].Success ? int.Parse(location.Groups["col"].Value, CultureInfo.InvariantCulture) : null;
        }
    }

    private static void AppendMessage(FailureEntry entry, string text)
    {
        var current = entry.Message;
        if (current is not null && current.Length >= MaxMessage)
        {
            return;
        }

        var combined = current is null ? text : $"{current} {text}";
        entry.Message = combined.Length > MaxMessage ? combined[..MaxMessage] : combined;
    }

    /// <summary>A repository-relative path, or null for one outside the checkout (node internals, node_modules, another absolute path).</summary>
    private static string? Repository(string path)
    {
        if (path.StartsWith("file://", StringComparison.Ordinal))
        {
            path = path["file://".Length..];
        }

        if (path.Length == 0 || path.StartsWith("node:", StringComparison.Ordinal) || path.Contains("node_modules/", StringComparison.Ordinal))
        {
            return null;
        }

        var normalized = PathNormalizer.Normalize(path);
        return normalized.StartsWith('/') || normalized.Contains(':', StringComparison.Ordinal) ? null : normalized;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '\'' && value[^1] == '\'' || value[0] == '"' && value[^1] == '"') ? value[1..^1] : value;

    private static int Indent(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        return i;
    }

    [GeneratedRegex(@"^\s*not ok (?<number>\d{1,9})(?:\s+-)?(?:\s+(?<name>[^#]*?))?\s*(?:#\s*(?<directive>TODO|SKIP)\b.*|#.*)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex NotOk();

    [GeneratedRegex(@"^(?<key>[A-Za-z_][\w-]{0,40}):(?:\s+(?<value>.*))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d{1,7})(?::(?<col>\d{1,7}))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Location();

    private sealed class FailureEntry(int indent, string name)
    {
        public int Indent { get; } = indent;

        public string Name { get; } = name;

        public bool IsParent { get; set; }

        public FailureEntry? Parent { get; set; }

        public string? File { get; set; }

        public int? Line { get; set; }

        public int? Column { get; set; }

        public string? Message { get; set; }
    }
}
