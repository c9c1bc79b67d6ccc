using System.Text;
using System.Text.RegularExpressions;

namespace Agentic.Patches;

/// <summary>
/// gitignore-like globs over repository paths: <c>**</c> crosses folders, <c>*</c> and <c>?</c> do not; a trailing <c>/</c>
/// means everything below. Optionally without case (how the deny-list compares: the more cautious reading).
/// </summary>
public sealed class PathGlob
{
    private readonly Regex _regex;

    public PathGlob(string pattern, bool ignoreCase = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern;
        var p = pattern.Trim().TrimStart('/');
        if (p.EndsWith('/'))
        {
            p += "**";
        }

        var regex = new StringBuilder("^");
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
            {
                var slash = i + 2 < p.Length && p[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        // A folder pattern also covers what is inside it.
        regex.Append("(?:/.*)?$");
        _regex = new Regex(regex.ToString(), RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), TimeSpan.FromSeconds(1));
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    public override string ToString() => Pattern;
}
