using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// NUnit's own console runner (<c>nunit3-console</c>, NUnitLite): after <c>Errors, Failures and Warnings</c>, one
/// numbered entry per problem, <c>1) Failed : Ns.Class.Test</c> or <c>2) Error : Ns.Class.Test</c>, its message lines
/// and its stack, whose first frame in the repository (<c>in /path/File.cs:line 42</c>, or <c>in /path/File.cs:42</c>
/// under Mono) is the place. <c>Invalid</c> and <c>Warning</c> entries are no failing test.
/// </summary>
public sealed partial class NUnitConsoleParser : ILineParser
{
    private const int MaxMessage = 300;
    private const int MaxMessageLines = 4;

    private bool _inSummary;
    private string? _test;
    private string? _message;
    private int _messageLines;
    private (string File, int Line)? _location;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (!_inSummary)
        {
            _inSummary = line == "Errors, Failures and Warnings";
            return;
        }

        var header = line.Length > 3 && char.IsAsciiDigit(line[0]) ? Entry().Match(line) : Match.Empty;
        if (header.Success)
        {
            Flush(findings);
            _test = header.Groups["kind"].Value is "Failed" or "Error" ? header.Groups["test"].Value.Trim() : null;
            return;
        }

        if (line is "Run Settings" or "Test Run Summary")
        {
            Flush(findings);
            _inSummary = false;
            return;
        }

        var trimmed = line.Trim();
        if (_test is null || trimmed.Length == 0)
        {
            return;
        }

        if (trimmed.StartsWith("at ", StringComparison.Ordinal))
        {
            if (_location is null && Frame().Match(trimmed) is { Success: true } frame && Repository(frame.Groups["file"].Value) is { } file)
            {
                var number = int.Parse(frame.Groups["line"].Value, CultureInfo.InvariantCulture);
                _location = number > 0 ? (file, number) : null;
            }
        }
        else if (_location is null && _messageLines < MaxMessageLines)
        {
            _messageLines++;
            trimmed = Spaces().Replace(trimmed, " ");
            _message = _message is null ? trimmed : $"{_message} {trimmed}";
            if (_message.Length > MaxMessage)
            {
                (_message, _messageLines) = (_message[..MaxMessage], MaxMessageLines);
            }
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Flush(findings);
        _inSummary = false;
    }

    private void Flush(FindingCollector findings)
    {
        if (_test is { Length: > 0 })
        {
            findings.Add(new Finding(FindingKind.Test, "nunit", _location?.File, _location?.Line, null, _test, _message ?? "failed"));
        }

        (_test, _message, _messageLines, _location) = (null, null, 0, null);
    }

    /// <summary>A repository-relative path, or null for a frame without source (<c>&lt;hash&gt;</c>), in a framework's own sources or outside the checkout.</summary>
    private static string? Repository(string path)
    {
        if (path.StartsWith('<') || path.StartsWith("/_/", StringComparison.Ordinal))
        {
            return null;
        }

        var normalized = PathNormalizer.Normalize(path);
        return normalized.StartsWith('/') || (normalized.Length > 1 && normalized[1] == ':') ? null : normalized;
    }

    [GeneratedRegex(@"^\d{1,6}\) (?<kind>Failed|Error|Invalid|Warning|SetUp Error|TearDown Error|Cancelled|NotRunnable) : (?<test>.{0,500})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Entry();

    [GeneratedRegex(@"\bin (?<file>\S.*?):(?:line )?(?<line>\d{1,7})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Frame();

    [GeneratedRegex(@"\s{2,}", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Spaces();
}
