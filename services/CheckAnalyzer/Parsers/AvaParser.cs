using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// AVA's default reporter: <c>✘ [fail]: file › title</c> lines, then after a <c>─</c> rule one block per failure,
/// headed by the title, with the <c>path:line</c> of the failed assertion, the difference or the thrown error.
/// </summary>
public sealed partial class AvaParser : ILineParser
{
    private const int MaxTests = 1000;

    private readonly List<string> _failed = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private bool _inDetails;
    private string? _test;
    private string? _listed;
    private string? _file;
    private int? _line;
    private int? _column;
    private string? _message;
    private bool _inDifference;
    private bool _awaitingError;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        var trimmed = line.Trim();
        if (trimmed.StartsWith("✘ [fail]: ", StringComparison.Ordinal))
        {
            if (_failed.Count < MaxTests)
            {
                _failed.Add(trimmed["✘ [fail]: ".Length..].Trim());
            }

            return;
        }

        if (_failed.Count == 0)
        {
            return;
        }

        if (trimmed == "─")
        {
            Flush(findings);
            _inDetails = true;
            return;
        }

        if (!_inDetails || trimmed.Length == 0)
        {
            _inDifference = _inDifference && trimmed.Length == 0 && _message is null;
            return;
        }

        // A block starts with the title at the reporter's indentation, exactly as listed (the list may append the error).
        if (line.StartsWith("  ", StringComparison.Ordinal) && !char.IsWhiteSpace(line[2]) && TitleOf(trimmed) is { } title)
        {
            Flush(findings);
            (_test, _listed) = (trimmed, title);
            return;
        }

        if (_test is null)
        {
            return;
        }

        if (_file is null && _message is null && Location().Match(trimmed) is { Success: true } location)
        {
            _file = PathNormalizer.Normalize(location.Groups["file"].Value);
            _line = int.Parse(location.Groups["line"].Value, CultureInfo.InvariantCulture);
        }
        else if (trimmed.StartsWith("Difference", StringComparison.Ordinal) && _message is null)
        {
            _inDifference = true;
        }
        else if (_inDifference && _message is null && (trimmed.StartsWith('-') || trimmed.StartsWith('+')))
        {
            _message = $"Difference (- actual, + expected): {trimmed}";
        }
        else if (_inDifference && _message is not null && _message.Length < 300 && (trimmed.StartsWith('-') || trimmed.StartsWith('+')))
        {
            _message = $"{_message} {trimmed}";
        }
        else if (trimmed == "Error thrown in test:" || trimmed.StartsWith("Rejected promise returned by test", StringComparison.Ordinal))
        {
            _awaitingError = true;
        }
        else if (_awaitingError && _message is null && ThrownError().IsMatch(trimmed))
        {
            _message = trimmed;
        }
        else if (_file is null && JsStackFrame.Read(trimmed) is { } frame)
        {
            (_file, _line, _column) = frame;
        }
        else if (trimmed.StartsWith("› ", StringComparison.Ordinal) && _column is null && JsStackFrame.Read($"at {trimmed[2..]}") is { } source && source.File == _file)
        {
            _column = source.Column;
        }
        else if (_message is null && !_awaitingError && !_inDifference && !CodeExcerpt().IsMatch(trimmed) && !trimmed.StartsWith('›'))
        {
            _message = trimmed;
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Flush(findings);
        foreach (var test in _failed.Where(t => !_reported.Contains(t)))
        {
            findings.Add(new Finding(FindingKind.Test, "ava", null, null, null, test, "failed"));
        }

        _failed.Clear();
        _reported.Clear();
        _inDetails = false;
    }

    /// <summary>The listed failure a block header names, or null.</summary>
    private string? TitleOf(string text)
    {
        foreach (var failed in _failed)
        {
            if (failed == text || (failed.StartsWith(text, StringComparison.Ordinal) && failed[text.Length] == ' '))
            {
                return failed;
            }
        }

        return null;
    }

    private void Flush(FindingCollector findings)
    {
        if (_test is not null)
        {
            findings.Add(new Finding(FindingKind.Test, "ava", _file, _line, _column, _test, _message ?? "failed"));
            _reported.Add(_listed!);
        }

        (_test, _listed, _file, _line, _column, _message, _inDifference, _awaitingError) = (null, null, null, null, null, null, false, false);
    }

    [GeneratedRegex(@"^(?<file>[\w./\\@+-]+\.[cm]?[jt]sx?):(?<line>\d{1,7})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Location();

    [GeneratedRegex(@"^\d{1,7}: ", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex CodeExcerpt();

    [GeneratedRegex(@"^[A-Z]\w*(?:Error|Exception)\b(?: \[\w+\])?: ", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ThrownError();
}
