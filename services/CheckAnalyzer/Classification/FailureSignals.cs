using System.Text.RegularExpressions;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>Where a signal's line counts: a log is written by the runner and by the steps' tools, and a step can print anything.</summary>
public enum SignalScope
{
    /// <summary>Wherever it appears (compilers, test runners, package managers, the network as tools report it).</summary>
    Anywhere = 0,

    /// <summary>
    /// Only as the runner prints it: in the job log's tail, after the last line any step printed (only runner lines
    /// follow: the cancellation, a kill's exit code, the orphan-process cleanup). The same text inside a step's output,
    /// with the step's output going on after it, is the step's own.
    /// </summary>
    Runner = 1,

    /// <summary>Only in the output of a step whose command ran <see cref="FailureSignal.Tool"/>.</summary>
    Tool = 2,
}

/// <summary>A textual rule: lines matching <see cref="Pattern"/> point at <see cref="Category"/> with <see cref="Strength"/> (0..1), where <see cref="Scope"/> allows.</summary>
public sealed record FailureSignal(string Name, FailureCategory Category, double Strength, Regex Pattern, SignalScope Scope = SignalScope.Anywhere, string? Tool = null);

/// <summary>The rules that classify a failure from its log lines, without an LLM. Each matched rule is counted once per distinct line.</summary>
public static partial class FailureSignals
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);

    public static IReadOnlyList<FailureSignal> All { get; } =
    [
        // Infrastructure: the runner, the network, the machine.
        new("runner-shutdown", FailureCategory.Infrastructure, 0.95, new Regex(@"The runner has received a shutdown signal", Options, Timeout), SignalScope.Runner),
        new("runner-lost", FailureCategory.Infrastructure, 0.95, new Regex(@"lost communication with the server|The hosted runner .* lost communication|runner .*did not connect", Options, Timeout), SignalScope.Runner),
        new("job-timeout", FailureCategory.Infrastructure, 0.9, new Regex(@"has exceeded the maximum execution time|has timed out after \d+ minutes|The job was canceled because", Options, Timeout), SignalScope.Runner),
        new("oom-killed", FailureCategory.Infrastructure, 0.9, new Regex(@"exit(?:ed with)? code 137\b|\bOOMKilled\b|JavaScript heap out of memory|Out of memory: Killed process|\bSIGKILL\b", Options, Timeout)),
        new("disk-full", FailureCategory.Infrastructure, 0.9, new Regex(@"No space left on device|ENOSPC", Options, Timeout)),
        new("dns", FailureCategory.Infrastructure, 0.85, new Regex(@"Temporary failure in name resolution|Could not resolve host|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|Name or service not known|No such host is known", Options, Timeout)),
        new("network", FailureCategory.Infrastructure, 0.7, new Regex(@"\bECONNRESET\b|\bETIMEDOUT\b|Connection timed out|Connection reset by peer|\b50[234] (?:Bad Gateway|Service Unavailable|Gateway Time-?out)\b|TLS handshake timeout|The SSL connection could not be established", Options, Timeout)),
        new("canceled", FailureCategory.Infrastructure, 0.6, new Regex(@"The operation was canceled\.|##\[error\]The operation was canceled", Options, Timeout), SignalScope.Runner),

        // Dependency / restore.
        new("nuget-missing", FailureCategory.Dependency, 0.9, new Regex(@"\berror NU1(?:101|102|103|202|605|608)\b|Unable to find package", Options, Timeout)),
        new("nuget-source", FailureCategory.Dependency, 0.75, new Regex(@"\berror NU1301\b|Unable to load the service index", Options, Timeout)),
        new("npm-missing", FailureCategory.Dependency, 0.9, new Regex(@"npm ERR! (?:404|code E404|code ETARGET|code ERESOLVE)|npm error (?:404|code E404|code ETARGET|code ERESOLVE)|ERR_PNPM_(?:FETCH_404|NO_MATCHING_VERSION)|can only install packages when your package\.json and package-lock\.json|error An unexpected error occurred: "".*404", Options, Timeout)),
        new("node-module", FailureCategory.Dependency, 0.8, new Regex(@"Error: Cannot find module '(?!\.)[^']+'|ERR_MODULE_NOT_FOUND", Options, Timeout)),
        new("python-module", FailureCategory.Dependency, 0.85, new Regex(@"ModuleNotFoundError: No module named '[^'.]+'|No matching distribution found for|Could not find a version that satisfies the requirement|ResolutionImpossible", Options, Timeout)),
        new("other-deps", FailureCategory.Dependency, 0.8, new Regex(@"failed to select a version for|Could not resolve dependencies for project|go: .*: reading .*: 404|unknown revision", Options, Timeout)),

        // Format / lint.
        new("prettier", FailureCategory.FormatOrLint, 0.9, new Regex(@"Code style issues (?:found|were found)|Run Prettier with --write", Options, Timeout), SignalScope.Tool, LintTools.Prettier),
        new("dotnet-format", FailureCategory.FormatOrLint, 0.9, new Regex(@"error (?:WHITESPACE|FINALNEWLINE|IMPORTS|IDE0055)\b", Options, Timeout), SignalScope.Tool, LintTools.DotnetFormat),
        new("black", FailureCategory.FormatOrLint, 0.9, new Regex(@"would reformat |\d+ files? would be reformatted|Oh no! .* would be", Options, Timeout), SignalScope.Tool, LintTools.Black),
        new("other-format", FailureCategory.FormatOrLint, 0.8, new Regex(@"^Diff in .* at line \d+|gofmt|rustfmt --check|clang-format", Options, Timeout), SignalScope.Tool, LintTools.OtherFormatters),
        new("eslint", FailureCategory.FormatOrLint, 0.85, new Regex(@"✖ \d+ problems? \(\d+ errors?", Options, Timeout), SignalScope.Tool, LintTools.EsLint),
        new("ruff-flake8", FailureCategory.FormatOrLint, 0.75, new Regex(@"^Found \d+ errors?\.|^[\w/.-]+\.py:\d+:\d+: [EFWC]\d{3} ", Options, Timeout), SignalScope.Tool, LintTools.Ruff),

        // Compile.
        new("csharp", FailureCategory.Compile, 0.9, new Regex(@"\berror (?:CS|BC|FS)\d{4}\b", Options, Timeout)),
        new("typescript", FailureCategory.Compile, 0.9, new Regex(@"\berror TS\d+\b", Options, Timeout)),
        new("build-failed", FailureCategory.Compile, 0.6, new Regex(@"^Build FAILED\.?$|error\[E\d{4}\]|^[\w/.-]+\.(?:c|cc|cpp|h|java|kt|go|rs|swift):\d+(?::\d+)?: error:|compilation failed|\bSyntaxError: ", Options, Timeout)),

        // Test.
        new("dotnet-test", FailureCategory.Test, 0.85, new Regex(@"Failed!\s+- Failed:\s+[1-9]|Test Run Failed\.|Total tests:.*Failed:\s*[1-9]|Test Count: \d+, Passed: \d+, Failed: [1-9]", Options, Timeout)),
        new("pytest", FailureCategory.Test, 0.85, new Regex(@"^=+ .*\b[1-9]\d* failed\b.* =+$|^FAILED [^\s:]+::", Options, Timeout)),
        new("jest", FailureCategory.Test, 0.85, new Regex(@"^Tests:\s+[1-9]\d* failed|^\s*● .* › ", Options, Timeout)),
        new("tap", FailureCategory.Test, 0.8, new Regex(@"^# fail [1-9]\d*$|^# \{ total: \d+, pass: \d+, fail: [1-9]", Options, Timeout)),
        new("go-test", FailureCategory.Test, 0.85, new Regex(@"^--- FAIL: |^FAIL\s+\S+\s+[\d.]+s$", Options, Timeout)),
        new("assertion", FailureCategory.Test, 0.6, new Regex(@"\bAssertionError\b|Assert\.\w+\(\) Failure|Expected: .* But was:", Options, Timeout)),
    ];

    /// <summary>
    /// A cheap first filter: lines worth keeping as evidence (errors, failures, and everything a signal matches).
    /// Lines that only report zero errors are not errors.
    /// </summary>
    public static bool IsErrorLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return Interesting(line) && !ZeroErrors().IsMatch(line);
    }

    private static readonly System.Buffers.SearchValues<string> Keywords = System.Buffers.SearchValues.Create(
        ["error", "fail", "fatal", "exception", "traceback", "panic", "ERR!", "✖", "killed", "exit code", "timed out", "timeout",
         "shutdown signal", "lost communication", "canceled", "No space left", "name resolution", "resolve host", "ECONN", "ETIMEDOUT",
         "ENOTFOUND", "EAI_AGAIN", "Unavailable", "Bad Gateway", "would reformat", "Code style issues", "ModuleNotFound",
         "No matching distribution", "Cannot find module", "Unable to find", "out of memory", "●"],
        StringComparison.OrdinalIgnoreCase);

    private static bool Interesting(string line) =>
        line.AsSpan().IndexOfAny(Keywords) >= 0
        || line.StartsWith("E   ", StringComparison.Ordinal)
        || line.StartsWith("[warn]", StringComparison.Ordinal)
        || line.StartsWith("Tests:", StringComparison.Ordinal)
        || line.StartsWith("Diff in", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s*0 (?:Error|Warning)\(s\)|\b0 errors?\b|\b0 failed\b|Failed:\s+0\b|--fail-fast|warning", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ZeroErrors();
}

/// <summary>
/// Counts signal matches over the error lines of one log, each where its <see cref="SignalScope"/> allows: a tool's
/// signal only in a step that ran the tool, a runner's signal only in the log's tail (it is held until a line the
/// runner would not print after it shows that a step's output went on, and counts when the log ends). Matches outside
/// their scope are counted apart and never classify.
/// </summary>
public sealed partial class SignalScanner
{
    private readonly Dictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _examples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ignored = new(StringComparer.Ordinal);
    private readonly List<(FailureSignal Signal, string Line)> _pending = [];
    private bool _completed;

    public IReadOnlyDictionary<string, int> Hits => _hits;

    /// <summary>The first line each signal matched.</summary>
    public IReadOnlyDictionary<string, string> Examples => _examples;

    /// <summary>Signals whose text appeared where it does not count (inside a step's output, in a step that did not run the tool).</summary>
    public IReadOnlyDictionary<string, int> Ignored => _ignored;

    /// <summary>Accepts an error line with no step context (a text that is all one tool's output, e.g. an annotation).</summary>
    public void Accept(string errorLine) => Accept(errorLine, null);

    /// <summary>Accepts an error line of the step <paramref name="step"/> describes; call <see cref="Observe"/> for every line first.</summary>
    public void Accept(string errorLine, StepContext? step)
    {
        ArgumentNullException.ThrowIfNull(errorLine);
        foreach (var signal in FailureSignals.All)
        {
            if (!signal.Pattern.IsMatch(errorLine))
            {
                continue;
            }

            switch (signal.Scope)
            {
                case SignalScope.Runner when step is not null:
                    _pending.Add((signal, errorLine));
                    break;
                case SignalScope.Tool when step is not null && (step.InHeader || !step.Ran(signal.Tool!)):
                    _ignored[signal.Name] = _ignored.GetValueOrDefault(signal.Name) + 1;
                    break;
                default:
                    Count(signal, errorLine);
                    break;
            }
        }
    }

    /// <summary>Sees every line of the log in order (before <see cref="Accept(string, StepContext?)"/>): output that goes on after a runner signal makes it a step's own text.</summary>
    public void Observe(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_pending.Count == 0 || IsRunnerTail(line))
        {
            return;
        }

        foreach (var (signal, _) in _pending)
        {
            _ignored[signal.Name] = _ignored.GetValueOrDefault(signal.Name) + 1;
        }

        _pending.Clear();
    }

    /// <summary>The log has ended: runner signals still held are in its tail and count.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        foreach (var (signal, line) in _pending)
        {
            Count(signal, line);
        }

        _pending.Clear();
    }

    /// <summary>The strongest matched signal of a category, or null.</summary>
    public FailureSignal? Strongest(FailureCategory category) =>
        FailureSignals.All.Where(s => s.Category == category && _hits.ContainsKey(s.Name)).MaxBy(s => s.Strength);

    /// <summary>A line the runner prints after it stops a job: blank, another runner signal, the cancellation, a kill's exit code, its cleanup.</summary>
    internal static bool IsRunnerTail(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || RunnerTail().IsMatch(line))
        {
            return true;
        }

        var text = line.StartsWith("##[error]", StringComparison.Ordinal) ? line["##[error]".Length..] : line;
        return FailureSignals.All.Any(s => s.Scope == SignalScope.Runner && s.Pattern.IsMatch(text));
    }

    private void Count(FailureSignal signal, string line)
    {
        _hits[signal.Name] = _hits.GetValueOrDefault(signal.Name) + 1;
        _examples.TryAdd(signal.Name, line.Length > 300 ? line[..300] : line);
    }

    [GeneratedRegex(@"^(?:##\[error\]Process completed with exit code (?:130|137|143)\.|Cleaning up orphan processes|Terminate orphan process: .*|Uploading runner diagnostic logs|Completed runner diagnostic log upload|Post job cleanup\.|Evaluate and set job outputs)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex RunnerTail();
}
