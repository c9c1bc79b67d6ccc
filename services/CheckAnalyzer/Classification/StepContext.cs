using System.Text;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>The tools whose output a format or lint signal (or finding) may come from.</summary>
public static class LintTools
{
    public const string DotnetFormat = "dotnet-format";
    public const string DotnetAnalyzers = "dotnet-analyzers";
    public const string Prettier = "prettier";
    public const string EsLint = "eslint";
    public const string Black = "black";
    public const string Ruff = "ruff";
    public const string OtherFormatters = "other-formatters";
    public const string Xo = "xo";
}

/// <summary>
/// Which step of a log a line belongs to, and which tools that step ran. A GitHub Actions job log opens each step with
/// the runner's header, <c>##[group]Run &lt;command or action&gt;</c>, whose group (up to <c>##[endgroup]</c>) lists the
/// command, its shell, env and inputs; the step's own output follows. What a step's output prints about other tools
/// is the step's own text: only the header (the workflow's command) says what ran. A log without step headers (check
/// run output of other CI systems, a copied excerpt) has one step whose commands are its echo lines (<c>Run X</c>,
/// <c>&gt; X</c>, <c>$ X</c>, <c>+ X</c>): weaker, since the output could print those too. One exception in a structured
/// log: when the header runs a package manager (<c>npm run check</c>), the commands npm, pnpm and yarn echo before each
/// script (<c>&gt; prettier --check .</c>) are the step's commands too; they come from the repository's
/// <c>package.json</c>, which the head controls as much as the workflow, and without them a check script that runs
/// prettier or eslint under another name is a failure no rule can read.
/// </summary>
public sealed partial class StepContext
{
    private const int MaxCommandChars = 4_000;

    private readonly StringBuilder _command = new();
    private HashSet<string>? _tools;
    private bool _runsScripts;

    /// <summary>A step header was seen: steps are delimited by the runner's headers, not by echo lines.</summary>
    public bool Structured { get; private set; }

    /// <summary>1 for the first step (0 before any header in a structured log, and for the whole of an unstructured one).</summary>
    public int Step { get; private set; }

    /// <summary>Inside a step header's group: the workflow's command, not output.</summary>
    public bool InHeader { get; private set; }

    /// <summary>
    /// Reads one cleaned line (before any rewriting of <c>##[error]</c>). True when the line opens a new step, so
    /// stateful parsers are completed for the step that ended.
    /// </summary>
    public bool Observe(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.StartsWith("##[group]Run ", StringComparison.Ordinal))
        {
            Structured = true;
            InHeader = true;
            Step++;
            _command.Clear();
            _tools = null;
            _runsScripts = false;
            AppendCommand(line["##[group]Run ".Length..]);
            return true;
        }

        if (InHeader)
        {
            if (line.StartsWith("##[endgroup]", StringComparison.Ordinal))
            {
                InHeader = false;
                _runsScripts = PackageManager().IsMatch(_command.ToString());
            }
            else
            {
                AppendCommand(line);
            }

            return false;
        }

        if (!Structured && EchoLine().Match(line) is { Success: true } echo)
        {
            AppendCommand(echo.Groups["cmd"].Value);
        }
        else if (_runsScripts && line.StartsWith("> ", StringComparison.Ordinal) && line.Length > 2)
        {
            AppendCommand(line[2..]);
        }

        return false;
    }

    /// <summary>Whether the current step ran <paramref name="tool"/> (one of <see cref="LintTools"/>).</summary>
    public bool Ran(string tool)
    {
        _tools ??= ToolsOf(_command.ToString());
        return _tools.Contains(tool);
    }

    /// <summary>The tools a step's command runs, by name.</summary>
    public static HashSet<string> ToolsOf(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var tools = new HashSet<string>(StringComparer.Ordinal);
        if (LintRunner().IsMatch(command))
        {
            tools.UnionWith([LintTools.DotnetFormat, LintTools.DotnetAnalyzers, LintTools.Prettier, LintTools.EsLint, LintTools.Black, LintTools.Ruff, LintTools.OtherFormatters, LintTools.Xo]);
            return tools;
        }

        if (DotnetFormat().IsMatch(command))
        {
            tools.Add(LintTools.DotnetFormat);
            tools.Add(LintTools.DotnetAnalyzers);
        }

        if (DotnetBuild().IsMatch(command))
        {
            tools.Add(LintTools.DotnetAnalyzers);
        }

        var script = PackageScript().Match(command);
        var scriptName = script.Success ? script.Groups["script"].Value : "";
        if (Prettier().IsMatch(command) || scriptName.Length > 0)
        {
            tools.Add(LintTools.Prettier);
        }

        if (EsLint().IsMatch(command) || scriptName.Contains("lint", StringComparison.OrdinalIgnoreCase))
        {
            tools.Add(LintTools.EsLint);
        }

        // xo is conventionally run by the test script ("test": "xo && ava"), so a test script may have run it.
        if (Xo().IsMatch(command) || scriptName.Contains("lint", StringComparison.OrdinalIgnoreCase) || TestScript().IsMatch(command))
        {
            tools.Add(LintTools.Xo);
        }

        if (Black().IsMatch(command))
        {
            tools.Add(LintTools.Black);
        }

        if (Ruff().IsMatch(command))
        {
            tools.Add(LintTools.Ruff);
        }

        if (OtherFormatters().IsMatch(command))
        {
            tools.Add(LintTools.OtherFormatters);
        }

        return tools;
    }

    private void AppendCommand(string text)
    {
        if (_command.Length < MaxCommandChars)
        {
            _command.Append(text.AsSpan(0, Math.Min(text.Length, MaxCommandChars - _command.Length))).Append('\n');
            _tools = null;
        }
    }

    [GeneratedRegex(@"^(?:Run |> |\$ |\+ )(?<cmd>\S.*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EchoLine();

    [GeneratedRegex(@"\b(?:npm|pnpm|yarn|bun)\b", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex PackageManager();

    [GeneratedRegex(@"\bpre-commit\b|\blint-staged\b|\bsuper-linter\b|\bmegalinter\b|\b(?:make|just|task|mise\s+run)\s+[\w:.-]*(?:lint|format|fmt|style)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex LintRunner();

    [GeneratedRegex(@"\bdotnet[\s-]+format\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex DotnetFormat();

    [GeneratedRegex(@"\bdotnet\s+(?:build|msbuild|publish|pack|test|run)\b|\bmsbuild\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex DotnetBuild();

    [GeneratedRegex(@"\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?(?<script>[\w:.-]*(?:lint|format|fmt|prettier|style)[\w:.-]*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex PackageScript();

    [GeneratedRegex(@"\bprettier\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Prettier();

    [GeneratedRegex(@"\beslint\b|\bnext\s+lint\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex EsLint();

    [GeneratedRegex(@"\bxo\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Xo();

    [GeneratedRegex(@"\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?(?:test|t)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex TestScript();

    [GeneratedRegex(@"\bblack\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Black();

    [GeneratedRegex(@"\bruff\b|\bflake8\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Ruff();

    [GeneratedRegex(@"\bgofmt\b|\bgo\s+fmt\b|\bgolangci-lint\b|\brustfmt\b|\bcargo\s+fmt\b|\bclang-format\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex OtherFormatters();
}
