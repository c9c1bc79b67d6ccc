using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// <c>dotnet test</c> console output of xunit, NUnit and MSTest: <c>  Failed Name [12 ms]</c>, then <c>Error Message:</c>
/// and <c>Stack Trace:</c> blocks, whose first frame in the repository (<c>in /path/File.cs:line 42</c>) is the
/// place; frames in a framework's own sources (<c>/_/src/…</c>) are skipped. xunit's <c>[xUnit.net 00:00:01.23]
/// Name [FAIL]</c> lines name failures too: one without a <c>Failed</c> block (the block was cut) is still reported.
/// </summary>
public sealed partial class DotnetTestParser : ILineParser
{
    private const int MaxMessage = 300;
    private const int MaxMessageLines = 4;
    private const int MaxPending = 500;

    private readonly List<string> _xunitFailures = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private string? _test;
    private string? _message;
    private int _messageLines;
    private (string File, int Line)? _location;
    private int _state; // 0 none, 1 after "Failed", 2 in message, 3 in stack

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (line.StartsWith("[xUnit.net ", StringComparison.Ordinal) && line.EndsWith(" [FAIL]", StringComparison.Ordinal))
        {
            var xunit = XunitFail().Match(line);
            if (xunit.Success && _xunitFailures.Count < MaxPending)
            {
                _xunitFailures.Add(xunit.Groups["test"].Value);
            }

            return;
        }

        var failed = line.Contains("Failed ", StringComparison.Ordinal) ? FailedLine().Match(line) : Match.Empty;
        if (failed.Success)
        {
            Flush(findings);
            _test = failed.Groups["test"].Value;
            _state = 1;
            return;
        }

        if (_test is null)
        {
            return;
        }

        var trimmed = line.Trim();
        if (trimmed == "Error Message:")
        {
            _state = 2;
        }
        else if (trimmed == "Stack Trace:")
        {
            _state = 3;
        }
        else if (_state == 2 && trimmed.Length > 0 && _messageLines < MaxMessageLines)
        {
            _messageLines++;
            trimmed = Spaces().Replace(trimmed, " ");
            _message = _message is null ? trimmed : $"{_message} {trimmed}";
            if (_message.Length > MaxMessage)
            {
                (_message, _messageLines) = (_message[..MaxMessage], MaxMessageLines);
            }
        }
        else if (_state == 3 && _location is null && trimmed.Length > 0)
        {
            var frame = StackFrame().Match(trimmed);
            if (frame.Success && Repository(frame.Groups["file"].Value) is { } file)
            {
                _location = (file, int.Parse(frame.Groups["line"].Value, CultureInfo.InvariantCulture));
            }
        }
        else if (_state == 3 && trimmed.Length == 0)
        {
            Flush(findings);
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Flush(findings);
        foreach (var test in _xunitFailures.Where(t => !_reported.Contains(t)))
        {
            findings.Add(new Finding(FindingKind.Test, "dotnet test", null, null, null, test, "failed"));
        }

        _xunitFailures.Clear();
        _reported.Clear();
    }

    private void Flush(FindingCollector findings)
    {
        if (_test is not null)
        {
            findings.Add(new Finding(FindingKind.Test, "dotnet test", _location?.File, _location?.Line, null, _test, _message ?? "failed"));
            if (_reported.Count < MaxPending)
            {
                _reported.Add(_test);
            }
        }

        (_test, _message, _messageLines, _location, _state) = (null, null, 0, null, 0);
    }

    /// <summary>The repository-relative path of a frame, or null for a framework's own sources (<c>/_/…</c>) or a path outside the checkout.</summary>
    private static string? Repository(string path)
    {
        if (path.StartsWith("/_/", StringComparison.Ordinal))
        {
            return null;
        }

        var normalized = PathNormalizer.Normalize(path);
        return normalized.StartsWith('/') || (normalized.Length > 1 && normalized[1] == ':') ? null : normalized;
    }

    [GeneratedRegex(@"^\s+Failed (?<test>\S.{0,500}?) \[(?:< ?)?[\d.,]+ ?(?:[mµ]?s|min)\]$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"^\[xUnit\.net [\d:.]+\]\s+(?<test>\S.{0,500}?) \[FAIL\]$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex XunitFail();

    [GeneratedRegex(@"\s{2,}", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\bin (?<file>.+?):line (?<line>\d+)$", RegexOptions.CultureInvariant, 1000)]
    internal static partial Regex StackFrame();
}
