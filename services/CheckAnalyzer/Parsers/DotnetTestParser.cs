using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary><c>dotnet test</c> console output: <c>  Failed Name [12 ms]</c>, then <c>Error Message:</c> and <c>Stack Trace:</c> blocks.</summary>
public sealed partial class DotnetTestParser : ILineParser
{
    private string? _test;
    private string? _message;
    private (string File, int Line)? _location;
    private int _state; // 0 none, 1 after "Failed", 2 in message, 3 in stack

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        var failed = line.Contains("Failed ", StringComparison.Ordinal) ? FailedLine().Match(line) : Match.Empty;
        if (failed.Success)
        {
            Complete(findings);
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
        else if (_state == 2 && _message is null && trimmed.Length > 0)
        {
            _message = trimmed;
        }
        else if (_state == 3 && _location is null)
        {
            var frame = StackFrame().Match(trimmed);
            if (frame.Success)
            {
                _location = (frame.Groups["file"].Value, int.Parse(frame.Groups["line"].Value, CultureInfo.InvariantCulture));
            }
        }
        else if (_state == 3 && trimmed.Length == 0)
        {
            Complete(findings);
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_test is not null)
        {
            findings.Add(new Finding(FindingKind.Test, "dotnet test", _location is { } l ? PathNormalizer.Normalize(l.File) : null, _location?.Line, null, _test, _message ?? "failed"));
        }

        (_test, _message, _location, _state) = (null, null, null, 0);
    }

    [GeneratedRegex(@"^\s+Failed (?<test>[\w.+`<>,\[\]()"" -]+?) \[[\d.,]+ ?m?s\]$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"\bin (?<file>.+?):line (?<line>\d+)$", RegexOptions.CultureInvariant, 1000)]
    internal static partial Regex StackFrame();
}
