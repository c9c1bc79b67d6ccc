using System.Text;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// Mocha's spec reporter: after <c>N failing</c>, one block per failure, <c>  1) suite</c> with the rest of the
/// title on the following lines up to a trailing colon, then the error and its stack.
/// </summary>
public sealed partial class MochaParser : ILineParser
{
    private const int MaxTitle = 500;

    private bool _failing;
    private StringBuilder? _title;
    private bool _titleDone;
    private string? _message;
    private bool _messageContinues;
    private (string File, int Line, int Column)? _location;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (!_failing)
        {
            _failing = Failing().IsMatch(line);
            return;
        }

        if (line.StartsWith("npm ", StringComparison.Ordinal) || line.StartsWith("##[", StringComparison.Ordinal) || line.StartsWith("Error: Process completed", StringComparison.Ordinal))
        {
            // The report is over: npm's or the runner's output follows (a diff inside a block may also start at the margin).
            Complete(findings);
            return;
        }

        var start = BlockStart().Match(line);
        if (start.Success)
        {
            Complete(findings);
            _failing = true;
            _title = new StringBuilder();
            AddTitlePart(start.Groups["title"].Value);
            return;
        }

        if (_title is null)
        {
            return;
        }

        var trimmed = line.Trim();
        if (!_titleDone)
        {
            if (trimmed.Length > 0)
            {
                AddTitlePart(trimmed);
            }

            return;
        }

        if (trimmed.StartsWith("at ", StringComparison.Ordinal))
        {
            _location ??= JsStackFrame.Read(trimmed);
            _messageContinues = false;
        }
        else if (_message is null && trimmed.Length > 0)
        {
            _message = trimmed;
            _messageContinues = trimmed.EndsWith(':');
        }
        else if (_messageContinues && trimmed.Length > 0)
        {
            _message = $"{_message} {trimmed}";
            _messageContinues = false;
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_title is not null)
        {
            var (file, line, column) = _location is { } l ? (l.File, (int?)l.Line, (int?)l.Column) : (null, null, null);
            findings.Add(new Finding(FindingKind.Test, "mocha", file, line, column, _title.ToString(), _message ?? "failed"));
        }

        (_title, _titleDone, _message, _messageContinues, _location, _failing) = (null, false, null, false, null, false);
    }

    private void AddTitlePart(string part)
    {
        _titleDone = part.EndsWith(':');
        var text = _titleDone ? part[..^1] : part;
        if (_title!.Length + text.Length < MaxTitle)
        {
            _title.Append(_title.Length == 0 ? "" : " ").Append(text);
        }
    }

    [GeneratedRegex(@"^\s+\d+ failing\b", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Failing();

    [GeneratedRegex(@"^  (?<n>\d{1,6})\) (?<title>\S.*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BlockStart();
}
