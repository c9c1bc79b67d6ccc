using FluentValidation;

namespace Agentic.CommandDispatcher.Options;

/// <summary>
/// Caps for the LLM edit strategy (<c>CommandDispatcher:LlmEdit</c>). Which model proposes the diffs is
/// <c>Agentic.Llm.LlmOptions</c>: the shared <c>Llm</c> section overlaid by <c>CommandDispatcher:Llm</c>.
/// </summary>
public sealed class LlmEditOptions
{
    public const string SectionName = "CommandDispatcher:LlmEdit";

    /// <summary>At most this many of the files the diagnosis names are fetched and shown to the model.</summary>
    public int MaxFiles { get; set; } = 8;

    /// <summary>A file larger than this is not shown (the model could not rewrite it reliably anyway).</summary>
    public int MaxFileBytes { get; set; } = 64 * 1024;

    /// <summary>The file contents in one prompt, in total.</summary>
    public int MaxPromptFileBytes { get; set; } = 160 * 1024;

    /// <summary>The evidence (reduced log) and the previous failure are cut to these many characters.</summary>
    public int MaxEvidenceChars { get; set; } = 12_000;

    public int MaxPreviousFailureChars { get; set; } = 4_000;

    /// <summary>The model's answer: a diff needs more room than a verdict.</summary>
    public int MaxOutputTokens { get; set; } = 4_000;

    /// <summary>A proposed diff over this size is rejected before it reaches the Executor.</summary>
    public int MaxDiffBytes { get; set; } = 256 * 1024;

    /// <summary>A proposed diff touching more files than this is rejected.</summary>
    public int MaxChangedFiles { get; set; } = 10;
}

public sealed class LlmEditOptionsValidator : AbstractValidator<LlmEditOptions>
{
    public LlmEditOptionsValidator()
    {
        RuleFor(o => o.MaxFiles).InclusiveBetween(1, 50);
        RuleFor(o => o.MaxFileBytes).InclusiveBetween(1024, 1024 * 1024);
        RuleFor(o => o.MaxPromptFileBytes).InclusiveBetween(1024, 4 * 1024 * 1024);
        RuleFor(o => o.MaxEvidenceChars).InclusiveBetween(500, 200_000);
        RuleFor(o => o.MaxPreviousFailureChars).InclusiveBetween(200, 50_000);
        RuleFor(o => o.MaxOutputTokens).InclusiveBetween(200, 64_000);
        RuleFor(o => o.MaxDiffBytes).InclusiveBetween(1024, 1024 * 1024);
        RuleFor(o => o.MaxChangedFiles).InclusiveBetween(1, 100);
    }
}
