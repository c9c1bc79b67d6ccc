using System.Globalization;
using Agentic.CheckAnalyzer.Logs;
using Agentic.CheckAnalyzer.Parsers;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>
/// Rules first: classifies a failure from its findings and signals without an LLM, each counted only where it was
/// printed in context (see <see cref="SignalScanner"/>). Order matters: a lost runner outranks the errors it caused
/// only when no code failure (compile, test, format or lint) was seen, since a log cannot prove a rerun would pass; a
/// missing package outranks the compile errors that follow; compile errors outrank failing tests, which outrank lint.
/// The other categories with valid signals are listed in <see cref="Classification.Conflicts"/> and the root cause.
/// </summary>
public static class FailureClassifier
{
    private const int MaxFiles = 20;

    /// <param name="evidence">The reduced evidence with its findings and signals.</param>
    /// <param name="passedElsewhere">The same check passed on the same head SHA in another run or attempt.</param>
    /// <param name="llmAvailable">Whether an LLM edit loop can be offered for compile and test failures.</param>
    public static Classification Classify(ReducedLog evidence, bool passedElsewhere, bool llmAvailable)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var result = Decide(evidence, passedElsewhere, llmAvailable);
        var conflicts = Present(evidence).Where(p => p.Category != result.Category).Select(p => $"{p.Category} ({p.Rule})").ToList();
        return conflicts.Count == 0
            ? result
            : result with { RootCause = $"{result.RootCause} Other signals, not acted on: {string.Join(", ", conflicts)}.", Conflicts = conflicts };
    }

    private static Classification Decide(ReducedLog evidence, bool passedElsewhere, bool llmAvailable)
    {
        var findings = evidence.Findings;
        var signals = evidence.Signals;

        if (passedElsewhere)
        {
            return Build(FailureCategory.Flaky, 0.85, "The same check passed on the same commit in another run; the failure is not caused by the code.", [], "passed-on-same-sha", llmAvailable);
        }

        var codeFailure = Present(evidence).Any(p => p.Category is FailureCategory.Compile or FailureCategory.Test or FailureCategory.FormatOrLint);
        if (!codeFailure && signals.Strongest(FailureCategory.Infrastructure) is { Strength: >= 0.8 } infra)
        {
            return Build(FailureCategory.Infrastructure, infra.Strength, $"Infrastructure failure ({infra.Name}): {signals.Examples[infra.Name]}", [], infra.Name, llmAvailable);
        }

        if (findings.Count(FindingKind.Dependency) > 0)
        {
            // A package or version the registry does not have: the fix is usually one line of a manifest, proposed by the
            // LLM edit loop with the versions that exist (Command Dispatcher), so it is offered when a model is configured.
            var dependency = FromFindings(findings, FindingKind.Dependency, FailureCategory.Dependency, "unresolvable package", 0.9, llmAvailable);
            var first = findings.Findings.First(f => f.Kind == FindingKind.Dependency);
            return dependency with
            {
                Strategy = llmAvailable ? FixStrategy.LlmEdit : FixStrategy.Escalate,
                Tool = first.Tool,
                Codes = findings.Findings.Where(f => f.Kind == FindingKind.Dependency && f.Tool == first.Tool).Select(f => f.Code).OfType<string>().Distinct(StringComparer.Ordinal).Take(50).ToList(),
                Packages = DependencyPackages.From(findings.Findings.Where(f => f.Tool == first.Tool)),
            };
        }

        if (signals.Strongest(FailureCategory.Dependency) is { } dependencySignal)
        {
            return Build(FailureCategory.Dependency, dependencySignal.Strength, $"Dependency or restore failure ({dependencySignal.Name}): {signals.Examples[dependencySignal.Name]}", FilesOf(findings, FindingKind.Other), dependencySignal.Name, llmAvailable);
        }

        if (findings.Count(FindingKind.Compile) > 0)
        {
            return FromFindings(findings, FindingKind.Compile, FailureCategory.Compile, "compile error", 0.9, llmAvailable);
        }

        if (signals.Strongest(FailureCategory.Compile) is { } compile && findings.Count(FindingKind.Test) == 0)
        {
            return Build(FailureCategory.Compile, compile.Strength * 0.85, $"Build failed: {signals.Examples[compile.Name]}", [], compile.Name, llmAvailable);
        }

        if (findings.Count(FindingKind.Test) > 0)
        {
            return FromFindings(findings, FindingKind.Test, FailureCategory.Test, "failing test", 0.9, llmAvailable);
        }

        if (signals.Strongest(FailureCategory.Test) is { } test)
        {
            return Build(FailureCategory.Test, test.Strength * 0.85, $"Tests failed: {signals.Examples[test.Name]}", [], test.Name, llmAvailable);
        }

        var formatOrLint = findings.Count(FindingKind.Format) + findings.Count(FindingKind.Lint);
        if (formatOrLint > 0)
        {
            var kind = findings.Count(FindingKind.Format) > 0 ? FindingKind.Format : FindingKind.Lint;
            var files = findings.Findings.Where(f => f.Kind is FindingKind.Format or FindingKind.Lint).Select(f => f.File).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxFiles).ToList();
            var first = findings.Findings.First(f => f.Kind == kind);
            var what = kind == FindingKind.Format ? "formatting" : "lint";
            var codes = findings.Findings.Where(f => f.Kind is FindingKind.Format or FindingKind.Lint && f.Tool == first.Tool).Select(f => f.Code).OfType<string>().Distinct(StringComparer.Ordinal).Take(50).ToList();
            return Build(FailureCategory.FormatOrLint, 0.9, string.Create(CultureInfo.InvariantCulture, $"{formatOrLint} {what} problem(s) in {files.Count} file(s); first: {first}"), files, $"{first.Tool}-findings", llmAvailable)
                with { Tool = first.Tool, Codes = codes };
        }

        if (signals.Strongest(FailureCategory.FormatOrLint) is { } format)
        {
            return Build(FailureCategory.FormatOrLint, format.Strength * 0.9, $"Formatting or lint check failed: {signals.Examples[format.Name]}", [], format.Name, llmAvailable) with { Tool = format.Tool };
        }

        if (!codeFailure && signals.Strongest(FailureCategory.Infrastructure) is { } weakInfra)
        {
            return Build(FailureCategory.Infrastructure, weakInfra.Strength, $"Possibly an infrastructure failure ({weakInfra.Name}): {signals.Examples[weakInfra.Name]}", [], weakInfra.Name, llmAvailable);
        }

        return Build(FailureCategory.Unknown, 0.2, "No known failure pattern was found in the evidence.", [], "none", llmAvailable);
    }

    /// <summary>
    /// The strategy for a category: format/lint deterministic, compile/test an LLM edit when one is configured,
    /// infrastructure/flaky rerun, the rest escalated (a dependency failure with a resolution finding is an LLM edit too: see <see cref="Decide"/>).
    /// </summary>
    public static FixStrategy StrategyFor(FailureCategory category, bool llmAvailable) => category switch
    {
        FailureCategory.FormatOrLint => FixStrategy.Deterministic,
        FailureCategory.Compile or FailureCategory.Test => llmAvailable ? FixStrategy.LlmEdit : FixStrategy.Escalate,
        FailureCategory.Infrastructure or FailureCategory.Flaky => FixStrategy.Rerun,
        _ => FixStrategy.Escalate,
    };

    private static Classification FromFindings(FindingCollector findings, FindingKind kind, FailureCategory category, string noun, double confidence, bool llmAvailable)
    {
        var count = findings.Count(kind);
        var first = findings.Findings.First(f => f.Kind == kind);
        var files = FilesOf(findings, kind);
        var rootCause = string.Create(CultureInfo.InvariantCulture, $"{count} {noun}(s){(files.Count > 0 ? $" in {files.Count} file(s)" : "")}; first: {first}");
        return Build(category, confidence, rootCause, files, $"{first.Tool}-findings", llmAvailable);
    }

    /// <summary>Each category with a valid finding or signal, with the rule that shows it.</summary>
    private static IEnumerable<(FailureCategory Category, string Rule)> Present(ReducedLog evidence)
    {
        var findings = evidence.Findings;
        foreach (var category in (FailureCategory[])[FailureCategory.Infrastructure, FailureCategory.Dependency, FailureCategory.Compile, FailureCategory.Test, FailureCategory.FormatOrLint])
        {
            FindingKind[] kinds = category switch
            {
                FailureCategory.Dependency => [FindingKind.Dependency],
                FailureCategory.Compile => [FindingKind.Compile],
                FailureCategory.Test => [FindingKind.Test],
                FailureCategory.FormatOrLint => [FindingKind.Format, FindingKind.Lint],
                _ => [],
            };
            if (findings.Findings.FirstOrDefault(f => kinds.Contains(f.Kind)) is { } finding)
            {
                yield return (category, $"{finding.Tool}-findings");
            }
            else if (evidence.Signals.Strongest(category) is { } signal)
            {
                yield return (category, signal.Name);
            }
        }
    }

    private static List<string> FilesOf(FindingCollector findings, FindingKind kind) =>
        findings.Findings.Where(f => f.Kind == kind).Select(f => f.File).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxFiles).ToList();

    private static Classification Build(FailureCategory category, double confidence, string rootCause, IReadOnlyList<string> files, string rule, bool llmAvailable) =>
        new(category, StrategyFor(category, llmAvailable), Math.Round(confidence, 2), rootCause, files, rule, []);
}
