using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.Patches;

/// <summary>
/// A unified diff read file by file: git's <c>diff --git</c> sections (with their extended header lines) and
/// traditional files (a <c>---</c> line, then a <c>+++</c> line). Hunks are read by the counts in their
/// <c>@@ -a,b +c,d @@</c> headers, as <c>git apply</c> reads them, so a line inside a hunk is never taken for a header
/// (removing the line <c>-- comment</c> shows as <c>--- comment</c>); a hunk whose counts do not match its lines is a
/// problem. Text between files (prose, blank lines) is passed over, as <c>git apply</c> does. Paths are git's:
/// <c>a/</c> and <c>b/</c> before them, <c>/dev/null</c> for none; quoted names are not read.
/// </summary>
public sealed partial record UnifiedDiff
{
    private const string GitHeader = "diff --git ";

    /// <summary>The files read, in order; when there is a <see cref="Problem"/>, those before it.</summary>
    public required IReadOnlyList<DiffFile> Files { get; init; }

    /// <summary>Why the text after <see cref="Files"/> could not be read, or null when all of it was.</summary>
    public string? Problem { get; init; }

    public int HunkCount => Files.Sum(f => f.Hunks.Count);

    public static UnifiedDiff Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (text.EndsWith('\n'))
        {
            lines = lines[..^1];
        }

        return new Reader([.. lines.Select(l => l.TrimEnd('\r'))]).Read();
    }

    internal static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", RegexOptions.CultureInvariant)]
    private static partial Regex HunkHeader();

    /// <summary>Reads the lines once, front to back; the current file's section is open until the next one starts.</summary>
    private sealed class Reader(string[] lines)
    {
        private readonly List<DiffFile> _files = [];
        private Section? _section;
        private int _index;

        public UnifiedDiff Read()
        {
            var problem = ReadFiles();
            if (problem is null)
            {
                Close();
            }

            return new UnifiedDiff { Files = _files, Problem = problem };
        }

        private string? ReadFiles()
        {
            var afterHunk = false;
            while (_index < lines.Length)
            {
                var line = lines[_index];
                var followsHunk = afterHunk;
                afterHunk = false;
                if (line.StartsWith(GitHeader, StringComparison.Ordinal))
                {
                    Close();
                    _section = new Section(_index + 1, isGit: true);
                    if (_section.ReadGitHeader(line[GitHeader.Length..].TrimEnd()) is { } problem)
                    {
                        return problem;
                    }
                }
                else if (line.StartsWith("--- ", StringComparison.Ordinal) && _index + 1 < lines.Length && lines[_index + 1].StartsWith("+++ ", StringComparison.Ordinal))
                {
                    // The ---/+++ lines of a git section, or a traditional file of its own.
                    if (_section is not { IsGit: true, HasFileLines: false, Hunks.Count: 0 })
                    {
                        Close();
                        _section = new Section(_index + 1, isGit: false);
                    }

                    _index++;
                    if (_section.ReadFileLines(line, lines[_index]) is { } problem)
                    {
                        return problem;
                    }
                }
                else if (line.StartsWith("GIT binary patch", StringComparison.Ordinal) || (line.StartsWith("Binary files ", StringComparison.Ordinal) && line.EndsWith(" differ", StringComparison.Ordinal)))
                {
                    _section ??= new Section(_index + 1, isGit: false);
                    _section.IsBinary = true;
                }
                else if (_section is null)
                {
                    // Before the first file: passed over.
                }
                else if (line.StartsWith("@@", StringComparison.Ordinal))
                {
                    if (ReadHunk() is { } problem)
                    {
                        return problem;
                    }

                    afterHunk = true;
                    continue;
                }
                else if (followsHunk && line.Length > 0 && line[0] is ' ' or '-' or '+')
                {
                    return Miscounted(_section.Hunks[^1], _section.Hunks.Count);
                }
                else if (_section is { IsGit: true, Hunks.Count: 0 } && _section.ReadExtendedHeader(line, _index + 1) is { } problem)
                {
                    return problem;
                }

                _index++;
            }

            return null;
        }

        /// <summary>Reads the hunk whose header is the current line, exactly as many lines as it counts.</summary>
        private string? ReadHunk()
        {
            var section = _section!;
            var header = lines[_index];
            var match = HunkHeader().Match(header);
            if (!match.Success || !TryCount(match.Groups[1], 0, out var oldStart) || !TryCount(match.Groups[2], 1, out var oldCount)
                || !TryCount(match.Groups[3], 0, out var newStart) || !TryCount(match.Groups[4], 1, out var newCount))
            {
                return $"{section.Name} hunk {section.Hunks.Count + 1}: '{Shorten(header)}' is not a hunk header of the form @@ -START,COUNT +START,COUNT @@";
            }

            var hunk = new DiffHunk(oldStart, oldCount, newStart, newCount, _index + 1);
            var (oldLeft, newLeft) = (oldCount, newCount);
            _index++;
            while (oldLeft > 0 || newLeft > 0)
            {
                switch (_index < lines.Length ? Kind(lines[_index]) : '\0')
                {
                    case ' ' when oldLeft > 0 && newLeft > 0:
                        oldLeft--;
                        newLeft--;
                        break;
                    case '-' when oldLeft > 0:
                        oldLeft--;
                        break;
                    case '+' when newLeft > 0:
                        newLeft--;
                        break;
                    case '\\':
                        break;
                    default:
                        return Miscounted(hunk, section.Hunks.Count + 1);
                }

                _index++;
            }

            // "\ No newline at end of file" after the hunk's last line.
            if (_index < lines.Length && lines[_index].StartsWith('\\'))
            {
                _index++;
            }

            section.Hunks.Add(hunk);
            return null;
        }

        /// <summary>The hunk's counts against the lines it really has (counted as <c>git apply --recount</c> would).</summary>
        private string Miscounted(DiffHunk hunk, int number)
        {
            int old = 0, @new = 0, blanks = 0;
            for (var i = hunk.Line; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.StartsWith("@@", StringComparison.Ordinal) || line.StartsWith(GitHeader, StringComparison.Ordinal)
                    || (line.StartsWith("--- ", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal)))
                {
                    break;
                }

                if (line.Length == 0)
                {
                    // An empty context line, unless the hunk ends here.
                    blanks++;
                    continue;
                }

                if (line[0] is not (' ' or '-' or '+' or '\\'))
                {
                    break;
                }

                (old, @new, blanks) = (old + blanks + (line[0] is ' ' or '-' ? 1 : 0), @new + blanks + (line[0] is ' ' or '+' ? 1 : 0), 0);
            }

            return $"{_section!.Name} hunk {number} ({hunk}) counts {hunk.OldCount} old and {hunk.NewCount} new lines but has {old} and {@new}: "
                + "the counts in a hunk header must match the hunk's lines";
        }

        private void Close()
        {
            if (_section is not null)
            {
                _files.Add(_section.ToFile());
                _section = null;
            }
        }

        private static char Kind(string line) => line.Length == 0 ? ' ' : line[0];

        private static bool TryCount(Group group, int absent, out int value)
        {
            if (!group.Success)
            {
                value = absent;
                return true;
            }

            return int.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>What one file's header lines say, until the section is closed into a <see cref="DiffFile"/>.</summary>
    private sealed class Section(int line, bool isGit)
    {
        private readonly List<string> _named = [];
        private string? _headerOld;
        private string? _headerNew;
        private bool _hasOldLine;
        private bool _hasNewLine;
        private string? _oldLine;
        private string? _newLine;
        private string? _renameFrom;
        private string? _renameTo;
        private string? _copyFrom;
        private string? _copyTo;
        private bool _similarity;
        private bool _new;
        private bool _deleted;
        private string? _oldMode;
        private string? _newMode;
        private string? _indexMode;

        public bool IsGit => isGit;

        public bool IsBinary { get; set; }

        public bool HasFileLines => _hasOldLine || _hasNewLine;

        public List<DiffHunk> Hunks { get; } = [];

        /// <summary>How a problem names the file: its path in quotes, or where it starts.</summary>
        public string Name => (_newLine ?? _oldLine ?? _headerNew ?? _headerOld) is { } path ? $"'{path}'" : $"the file at line {line}";

        /// <summary>The names after <c>diff --git </c>: <c>a/PATH b/PATH</c>, or two different names for a rename or copy.</summary>
        public string? ReadGitHeader(string names)
        {
            if (names.Contains('"', StringComparison.Ordinal))
            {
                return "quoted paths are not accepted";
            }

            var length = (names.Length - "a/ b/".Length) / 2;
            var path = length > 0 ? names.Substring(2, length) : "";
            if (length > 0 && names == $"a/{path} b/{path}")
            {
                (_headerOld, _headerNew) = (path, path);
                _named.Add(path);
                return null;
            }

            var split = names.IndexOf(" b/", StringComparison.Ordinal);
            if (names.StartsWith("a/", StringComparison.Ordinal) && split > 0)
            {
                (_headerOld, _headerNew) = (names[2..split], names[(split + 3)..]);
                _named.AddRange([_headerOld, _headerNew]);
                return null;
            }

            return $"'diff --git {Shorten(names)}' is not a header of the form diff --git a/PATH b/PATH";
        }

        public string? ReadFileLines(string oldLine, string newLine)
        {
            if ((ReadOldLine(oldLine) ?? ReadNewLine(newLine)) is { } problem)
            {
                return problem;
            }

            return _oldLine is null && _newLine is null ? "a file header names no path" : null;
        }

        /// <summary>A line of a git section before its first hunk: modes, renames and copies, the index line.</summary>
        public string? ReadExtendedHeader(string text, int number)
        {
            if (text.StartsWith("--- ", StringComparison.Ordinal))
            {
                return ReadOldLine(text);
            }

            if (text.StartsWith("+++ ", StringComparison.Ordinal))
            {
                return ReadNewLine(text);
            }

            if (text.StartsWith("similarity index ", StringComparison.Ordinal))
            {
                _similarity = true;
                return null;
            }

            if (text.StartsWith("index ", StringComparison.Ordinal))
            {
                // index OLD..NEW [MODE]: the mode when it did not change.
                var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 2 ? Mode(parts[2], number, out _indexMode) : null;
            }

            return Keyword(text, "old mode ") is { } oldMode ? Mode(oldMode, number, out _oldMode)
                : Keyword(text, "new mode ") is { } newMode ? Mode(newMode, number, out _newMode)
                : Keyword(text, "deleted file mode ") is { } deletedMode ? Flag(ref _deleted, Mode(deletedMode, number, out _oldMode))
                : Keyword(text, "new file mode ") is { } createdMode ? Flag(ref _new, Mode(createdMode, number, out _newMode))
                : Keyword(text, "rename from ") is { } renameFrom ? Unquoted(renameFrom, out _renameFrom)
                : Keyword(text, "rename to ") is { } renameTo ? Unquoted(renameTo, out _renameTo)
                : Keyword(text, "copy from ") is { } copyFrom ? Unquoted(copyFrom, out _copyFrom)
                : Keyword(text, "copy to ") is { } copyTo ? Unquoted(copyTo, out _copyTo)
                : null;
        }

        public DiffFile ToFile()
        {
            var oldPath = _hasOldLine ? _oldLine : _renameFrom ?? _copyFrom ?? (_new ? null : _headerOld);
            var newPath = _hasNewLine ? _newLine : _renameTo ?? _copyTo ?? (_deleted ? null : _headerNew);
            string?[] modes = [_oldMode, _newMode, _indexMode];
            var copied = _copyFrom is not null || _copyTo is not null;
            return new DiffFile
            {
                Line = line,
                IsGit = isGit,
                OldPath = oldPath,
                NewPath = newPath,
                Paths = [.. _named.Distinct(StringComparer.Ordinal)],
                IsNew = _new || (_hasOldLine && _oldLine is null),
                IsDeleted = _deleted || (_hasNewLine && _newLine is null),
                IsRenamed = _renameFrom is not null || _renameTo is not null || (!copied && (_similarity
                    || !string.Equals(_headerOld, _headerNew, StringComparison.Ordinal)
                    || (_oldLine is not null && _newLine is not null && !string.Equals(_oldLine, _newLine, StringComparison.Ordinal)))),
                IsCopied = copied,
                IsBinary = IsBinary,
                OldMode = _oldMode ?? _indexMode,
                NewMode = _newMode ?? _indexMode,
                IsSymlink = modes.Any(m => FileType(m) == 0x_A000),
                IsSubmodule = modes.Any(m => FileType(m) == 0x_E000),
                Hunks = Hunks,
            };
        }

        private string? ReadOldLine(string text)
        {
            _hasOldLine = true;
            return FileLineName(text, "a/", out _oldLine);
        }

        private string? ReadNewLine(string text)
        {
            _hasNewLine = true;
            return FileLineName(text, "b/", out _newLine);
        }

        /// <summary>The path of a <c>---</c> or <c>+++</c> line (a tab and a timestamp may follow it); null for <c>/dev/null</c>.</summary>
        private string? FileLineName(string text, string prefix, out string? path)
        {
            path = null;
            var raw = text[4..].Split('\t')[0].TrimEnd();
            if (raw == "/dev/null")
            {
                return null;
            }

            if (raw.StartsWith('"'))
            {
                return "quoted paths are not accepted";
            }

            if (!raw.StartsWith(prefix, StringComparison.Ordinal))
            {
                return $"'{Shorten(raw)}' must start with {prefix}";
            }

            path = raw[prefix.Length..];
            _named.Add(path);
            return null;
        }

        private static string? Keyword(string text, string keyword) =>
            text.StartsWith(keyword, StringComparison.Ordinal) ? text[keyword.Length..].Trim() : null;

        private string? Unquoted(string text, out string? path)
        {
            path = text.StartsWith('"') ? null : text;
            if (path is null)
            {
                return "quoted paths are not accepted";
            }

            _named.Add(path);
            return null;
        }

        private static string? Flag(ref bool flag, string? problem)
        {
            flag = true;
            return problem;
        }

        private static string? Mode(string text, int number, out string? mode)
        {
            mode = text.Length is > 0 and <= 7 && text.All(c => c is >= '0' and <= '7') ? text : null;
            return mode is null ? $"line {number}: '{Shorten(text)}' is not a file mode" : null;
        }

        /// <summary>The file type bits of an octal mode: 0o120000 for a symbolic link, 0o160000 for a submodule.</summary>
        private static int FileType(string? mode) => mode is null ? 0 : Convert.ToInt32(mode, 8) & 0x_F000;
    }
}
