using Agentic.Contracts.Common;
using Agentic.Patches;

namespace Agentic.CommandDispatcher.Library;

/// <summary>
/// The closed set of commands the Executor knows. The dispatcher may only pick from here; anything proposed (by an
/// LLM or a person) is matched against this list and its arguments validated, never passed through.
/// </summary>
public static class CommandLibrary
{
    /// <summary>
    /// Runs the repository's own formatter or lint fixer (prettier, eslint, xo, biome, dotnet format, black, ruff, gofmt) on
    /// the failure's files; <see cref="FormatArguments"/> names the tool the analysis found, else the Executor runs each the repository declares.
    /// </summary>
    public const string Format = "format";

    /// <summary>Applies a unified diff proposed by an LLM; the Executor re-checks every path.</summary>
    public const string ApplyDiff = "apply-diff";

    /// <summary>The argument of <see cref="ApplyDiff"/> that carries the unified diff (untrusted text, never a shell argument).</summary>
    public const string DiffArgument = "diff";

    public static IReadOnlySet<string> Commands { get; } = new HashSet<string>(StringComparer.Ordinal) { Format, ApplyDiff };

    /// <summary>The most paths <see cref="Format"/> is given (the Executor's own limit is 200).</summary>
    public const int MaxFormatPaths = 100;

    /// <summary>dotnet format's own diagnostics for layout (its <c>whitespace</c> mode) and import order (its <c>style</c> mode).</summary>
    private static readonly HashSet<string> WhitespaceCodes = new(StringComparer.OrdinalIgnoreCase) { "WHITESPACE", "FINALNEWLINE", "ENDOFLINE", "CHARSET", "IDE0055" };

    /// <summary>
    /// The arguments of <see cref="Format"/> for the analysis' tool, codes and files: the fixer (<c>tool</c>), its mode
    /// (dotnet format: IDE0055 and dotnet format's own layout codes → <c>whitespace</c>, other IDE ids and IMPORTS →
    /// <c>style</c>, CA and other analyzer ids → <c>analyzers</c>, with those ids as <c>diagnostics</c>) and the files
    /// (<c>paths</c>, one a line; paths that are not plain repository paths are dropped, the Executor checks them again).
    /// An unknown tool is left out: the Executor then runs every fixer the repository declares.
    /// </summary>
    public static Dictionary<string, string> FormatArguments(string? tool, IReadOnlyList<string> codes, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(files);
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (tool)
        {
            case "prettier" or "eslint" or "xo" or "black" or "gofmt":
                arguments["tool"] = tool;
                break;
            case "biome":
                arguments["tool"] = tool;
                arguments["mode"] = "check";
                break;
            case "ruff":
                arguments["tool"] = tool;
                arguments["mode"] = "check format";
                break;
            case "msbuild" or "dotnet-format" or "dotnet-analyzers":
                arguments["tool"] = "dotnet-format";
                var whitespace = codes.Count == 0 || codes.Any(WhitespaceCodes.Contains);
                var style = codes.Any(c => c.Equals("IMPORTS", StringComparison.OrdinalIgnoreCase) || (c.StartsWith("IDE", StringComparison.OrdinalIgnoreCase) && !WhitespaceCodes.Contains(c)));
                var analyzers = codes.Any(c => !WhitespaceCodes.Contains(c) && !c.Equals("IMPORTS", StringComparison.OrdinalIgnoreCase) && !c.StartsWith("IDE", StringComparison.OrdinalIgnoreCase));
                arguments["mode"] = string.Join(' ', new[] { whitespace ? "whitespace" : null, style ? "style" : null, analyzers ? "analyzers" : null }.OfType<string>());
                var ids = codes.Where(c => !WhitespaceCodes.Contains(c) && IsAnalyzerId(c)).Distinct(StringComparer.OrdinalIgnoreCase).Take(50).ToList();
                if (ids.Count > 0)
                {
                    arguments["diagnostics"] = string.Join(' ', ids);
                }

                break;
        }

        var paths = files.Select(ProtectedFiles.Normalize).OfType<string>()
            .Where(p => !p.StartsWith('-') && !p.Split('/').Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.Ordinal).Take(MaxFormatPaths).ToList();
        if (paths.Count > 0)
        {
            arguments["paths"] = string.Join('\n', paths);
        }

        return arguments;
    }

    private static bool IsAnalyzerId(string code)
    {
        var letters = code.TakeWhile(char.IsAsciiLetter).Count();
        return letters is >= 1 and <= 12 && code.Length - letters is >= 1 and <= 6 && code.Skip(letters).All(char.IsAsciiDigit);
    }

    /// <summary>The deterministic command for a diagnosis, or null when none applies.</summary>
    public static string? DeterministicFor(FailureCategory category) => category switch
    {
        FailureCategory.FormatOrLint => Format,
        _ => null,
    };
}
