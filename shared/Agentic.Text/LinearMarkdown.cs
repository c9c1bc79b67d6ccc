namespace Agentic.Text;

/// <summary>Untrusted text in Linear's markdown (comments, issue descriptions): the same rules as <see cref="GitHubMarkdown"/>.</summary>
public static class LinearMarkdown
{
    public static string Inline(string? text, int maxLength = GitHubMarkdown.DefaultInlineLength) => GitHubMarkdown.Inline(text, maxLength);

    public static string Lines(string? text, int maxLength) => GitHubMarkdown.Lines(text, maxLength);

    public static string CodeBlock(string? text, int maxLength, bool keepEnd = false) => GitHubMarkdown.CodeBlock(text, maxLength, keepEnd);
}
