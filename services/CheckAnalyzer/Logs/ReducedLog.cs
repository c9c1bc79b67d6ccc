using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Parsers;

namespace Agentic.CheckAnalyzer.Logs;

/// <summary>What is left of a log after reduction, with what was learnt while reading it.</summary>
public sealed record ReducedLog
{
    /// <summary>The kept lines: errors with context, deduplicated, within the token budget.</summary>
    public required string Text { get; init; }

    /// <summary>Hex SHA-256 of <see cref="Text"/>: the LLM cache key.</summary>
    public required string Hash { get; init; }

    public required int EstimatedTokens { get; init; }

    public required long TotalLines { get; init; }

    public required long TotalCharacters { get; init; }

    public required int ErrorLines { get; init; }

    public required int DuplicateErrorLines { get; init; }

    public required int OmittedBlocks { get; init; }

    public required FindingCollector Findings { get; init; }

    public required SignalScanner Signals { get; init; }

    /// <summary>
    /// The first line of each step header (<c>##[group]Run &lt;command&gt;</c>) in log order, as printed (untrusted, cut
    /// to <see cref="LogReducer.MaxStepCommandChars"/>); at most <see cref="LogReducer.MaxSteps"/>.
    /// </summary>
    public IReadOnlyList<string> StepCommands { get; init; } = [];

    /// <summary>The 1-based index into <see cref="StepCommands"/> of the step whose process failed (<c>##[error]Process completed with exit code N.</c>), when seen.</summary>
    public int? FailedStep { get; init; }
}
