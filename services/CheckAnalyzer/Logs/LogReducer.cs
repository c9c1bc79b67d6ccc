using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Parsers;

namespace Agentic.CheckAnalyzer.Logs;

/// <summary>How a log is cut down.</summary>
public sealed record LogReductionSettings
{
    /// <summary>The most tokens (estimated) the reduced log may take.</summary>
    public int TokenBudget { get; init; } = 6000;

    public int ContextLinesBefore { get; init; } = 2;

    public int ContextLinesAfter { get; init; } = 2;

    /// <summary>Longer lines are cut (minified bundles, base64 blobs).</summary>
    public int MaxLineLength { get; init; } = 400;

    /// <summary>A block of consecutive kept lines is closed at this many lines.</summary>
    public int MaxBlockLines { get; init; } = 30;
}

/// <summary>
/// Streams a log line by line and keeps only what matters: lines that look like errors, with a few lines of context,
/// each distinct error once (numbers and hashes ignored), within a token budget. Half the budget keeps the first
/// errors, half a rolling window of the last ones, so the first and the last error always survive. Memory stays
/// bounded by the budget whatever the size of the log. Every line is also shown to the parsers and the signal
/// rules, so findings and classification see the whole log, not only what is kept, each line in the context of its
/// step (<see cref="StepContext"/>): a format or lint line counts only in a step that ran that tool, a runner line
/// only in the log's tail.
/// </summary>
public static partial class LogReducer
{
    private const int MaxDistinctErrors = 50_000;

    /// <summary>The most step headers remembered.</summary>
    public const int MaxSteps = 200;

    /// <summary>A step header's command is cut to this many characters.</summary>
    public const int MaxStepCommandChars = 500;

    public static async Task<ReducedLog> ReduceAsync(TextReader reader, LogReductionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(settings);
        var parsers = LogParsers.CreateAll();
        var step = new StepContext();
        var findings = new FindingCollector { Admit = finding => Admits(finding, step) };
        var signals = new SignalScanner();
        var budgetChars = (int)(settings.TokenBudget * TokenEstimator.CharactersPerToken) - 200;
        var state = new State(Math.Max(200, budgetChars / 2), Math.Max(200, budgetChars - (budgetChars / 2)));
        var before = new Queue<string>(settings.ContextLinesBefore + 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var seenInStep = new HashSet<(string Line, int Step)>();
        List<string>? block = null;
        var afterRemaining = 0;
        long totalLines = 0, totalChars = 0;
        int errorLines = 0, duplicates = 0;
        var stepCommands = new List<string>();
        int? failedStep = null;

        while (await reader.ReadLineAsync(cancellationToken) is { } raw)
        {
            totalLines++;
            totalChars += raw.Length + 1;
            var line = LogLineCleaner.Clean(raw);
            signals.Observe(line);
            if (step.Observe(line))
            {
                // A new step: what the stateful parsers hold belongs to the step that ended.
                foreach (var parser in parsers)
                {
                    parser.Complete(findings);
                }

                parsers = LogParsers.CreateAll();
                if (stepCommands.Count < MaxSteps)
                {
                    var command = line["##[group]Run ".Length..];
                    stepCommands.Add(command.Length > MaxStepCommandChars ? command[..MaxStepCommandChars] : command);
                }
            }
            else if (failedStep is null && step.Step > 0 && step.Step <= stepCommands.Count && ProcessFailed().IsMatch(line))
            {
                failedStep = step.Step;
            }

            var header = step.InHeader;
            if (line.StartsWith("##[group]", StringComparison.Ordinal) || line.StartsWith("##[endgroup]", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("##[error]", StringComparison.Ordinal))
            {
                line = string.Concat("Error: ", line.AsSpan("##[error]".Length));
            }

            if (line.Length > settings.MaxLineLength)
            {
                line = string.Concat(line.AsSpan(0, settings.MaxLineLength), "…");
            }

            // A step header's lines are the workflow's command (kept as context), not output to parse.
            if (!header)
            {
                foreach (var parser in parsers)
                {
                    parser.Accept(line, findings);
                }
            }

            if (!header && FailureSignals.IsErrorLine(line))
            {
                // Once per step: where a line counts depends on its step, so a repeat in another step may count where the first did not.
                var key = Normalize(line);
                if (seenInStep.Count < MaxDistinctErrors ? seenInStep.Add((key, step.Step)) : !seenInStep.Contains((key, step.Step)))
                {
                    signals.Accept(line, step);
                }

                if (seen.Count < MaxDistinctErrors ? !seen.Add(key) : seen.Contains(key))
                {
                    duplicates++;
                    continue;
                }

                errorLines++;
                if (block is null)
                {
                    block = [.. before];
                    before.Clear();
                }

                block.Add(line);
                afterRemaining = settings.ContextLinesAfter;
                if (block.Count >= settings.MaxBlockLines)
                {
                    state.Close(block);
                    block = null;
                    afterRemaining = 0;
                }
            }
            else if (block is not null && afterRemaining > 0)
            {
                if (line.Length > 0)
                {
                    block.Add(line);
                }

                if (--afterRemaining == 0)
                {
                    state.Close(block);
                    block = null;
                }
            }
            else if (settings.ContextLinesBefore > 0 && line.Length > 0)
            {
                if (before.Count == settings.ContextLinesBefore)
                {
                    before.Dequeue();
                }

                before.Enqueue(line);
            }
        }

        if (block is not null)
        {
            state.Close(block);
        }

        foreach (var parser in parsers)
        {
            parser.Complete(findings);
        }

        signals.Complete();
        findings.Admit = null;
        var text = state.Render(totalLines, errorLines, duplicates);
        return new ReducedLog
        {
            Text = text,
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            EstimatedTokens = TokenEstimator.Estimate(text),
            TotalLines = totalLines,
            TotalCharacters = totalChars,
            ErrorLines = errorLines,
            DuplicateErrorLines = duplicates,
            OmittedBlocks = state.Omitted,
            Findings = findings,
            Signals = signals,
            StepCommands = stepCommands,
            FailedStep = failedStep,
        };
    }

    /// <summary>Reduces a text already in memory (check-run output, annotations).</summary>
    public static Task<ReducedLog> ReduceAsync(string text, LogReductionSettings settings, CancellationToken cancellationToken)
    {
        using var reader = new StringReader(text ?? "");
        return ReduceAsync(reader, settings, cancellationToken);
    }

    /// <summary>A format or lint finding counts only in the output of a step that ran its tool; every other finding counts anywhere.</summary>
    internal static bool Admits(Finding finding, StepContext step) => finding.Kind switch
    {
        FindingKind.Format or FindingKind.Lint => !step.InHeader && finding.Tool switch
        {
            "prettier" => step.Ran(LintTools.Prettier),
            "eslint" => step.Ran(LintTools.EsLint),
            "xo" => step.Ran(LintTools.Xo),
            "msbuild" => step.Ran(finding.Kind == FindingKind.Format ? LintTools.DotnetFormat : LintTools.DotnetAnalyzers),
            _ => false,
        },
        _ => true,
    };

    /// <summary>The line with numbers, hex ids and durations blanked: repeats that differ only there are duplicates.</summary>
    internal static string Normalize(string line) => Numbers().Replace(line.Trim(), "#");

    [GeneratedRegex(@"^##\[error\]Process completed with exit code [1-9]\d*\.$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ProcessFailed();

    [GeneratedRegex(@"\b[0-9a-f]{7,}\b|\d+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Numbers();

    private sealed class State(int headBudget, int tailBudget)
    {
        private readonly List<List<string>> _head = [];
        private readonly LinkedList<List<string>> _tail = new();
        private int _headChars;
        private int _tailChars;

        public int Omitted { get; private set; }

        public void Close(List<string> block)
        {
            var chars = Size(block);
            if (_tail.Count == 0 && _headChars + chars <= headBudget)
            {
                _head.Add(block);
                _headChars += chars;
                return;
            }

            if (_head.Count == 0)
            {
                // Even the first block is over half the budget: keep its start.
                _head.Add(Trim(block, headBudget));
                _headChars = Size(_head[0]);
                return;
            }

            var trimmed = chars > tailBudget ? Trim(block, tailBudget) : block;
            _tail.AddLast(trimmed);
            _tailChars += Size(trimmed);
            while (_tailChars > tailBudget && _tail.Count > 1)
            {
                _tailChars -= Size(_tail.First!.Value);
                _tail.RemoveFirst();
                Omitted++;
            }
        }

        public string Render(long totalLines, int errorLines, int duplicates)
        {
            var builder = new StringBuilder(_headChars + _tailChars + 256);
            foreach (var block in _head)
            {
                AppendBlock(builder, block);
            }

            if (Omitted > 0)
            {
                builder.Append("… ").Append(Omitted).Append(" error blocks omitted …").Append('\n');
            }

            foreach (var block in _tail)
            {
                AppendBlock(builder, block);
            }

            builder.Append("[log reduced: ").Append(totalLines).Append(" lines, ").Append(errorLines).Append(" distinct error lines, ")
                .Append(duplicates).Append(" repeats dropped]");
            return builder.ToString();
        }

        private static void AppendBlock(StringBuilder builder, List<string> block)
        {
            foreach (var line in block)
            {
                builder.Append(line).Append('\n');
            }

            builder.Append("---\n");
        }

        private static int Size(List<string> block) => block.Sum(l => l.Length + 1) + 4;

        private static List<string> Trim(List<string> block, int budget)
        {
            var result = new List<string>();
            var used = 4;
            foreach (var line in block)
            {
                if (used + line.Length + 1 > budget)
                {
                    break;
                }

                result.Add(line);
                used += line.Length + 1;
            }

            return result;
        }
    }
}
