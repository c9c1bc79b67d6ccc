namespace Agentic.CheckAnalyzer.Logs;

/// <summary>
/// A conservative token estimate (about four characters per token for English and code with BPE tokenizers).
/// No tokenizer package is available from the registry here; the estimate errs on the high side for logs.
/// </summary>
public static class TokenEstimator
{
    public const double CharactersPerToken = 3.5;

    public static int Estimate(int characters) => (int)Math.Ceiling(characters / CharactersPerToken);

    public static int Estimate(string text) => Estimate(text?.Length ?? 0);
}
