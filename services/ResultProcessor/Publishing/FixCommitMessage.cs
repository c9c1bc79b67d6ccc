using Agentic.Text;

namespace Agentic.ResultProcessor.Publishing;

/// <summary>
/// The commit message (and proposal title) of a fix: plain text built from the check's name and the root cause, both
/// untrusted. Control characters go, the subject is one capped line, the body is capped, secrets are scrubbed, and
/// mentions, issue references and URLs are broken (GitHub links them in commit messages, and a closing keyword such as
/// "fixes #12" in a merged commit would close that issue).
/// </summary>
public static class FixCommitMessage
{
    public const int MaxSubjectLength = 72;
    public const int MaxBodyLength = 2000;

    public static string Create(string checkName, string? rootCause, SecretScrubber scrubber)
    {
        ArgumentNullException.ThrowIfNull(scrubber);
        var subject = "agentic: fix " + PlainText.OneLine(scrubber.Scrub(checkName)).Trim();
        return Sanitize(string.IsNullOrWhiteSpace(rootCause) ? subject : $"{subject}\n\n{rootCause}", scrubber);
    }

    /// <summary>Makes any message safe as a commit message: what the publisher writes, whatever it was given (idempotent).</summary>
    public static string Sanitize(string message, SecretScrubber scrubber)
    {
        ArgumentNullException.ThrowIfNull(scrubber);
        var clean = PlainText.Clean(scrubber.Scrub(message)).Trim();
        var newline = clean.IndexOf('\n', StringComparison.Ordinal);
        var subject = TextLimits.Cap(GitHubMarkdown.BreakReferences(PlainText.OneLine(newline < 0 ? clean : clean[..newline]).Trim()), MaxSubjectLength);
        subject = subject.Length > 0 ? subject : "agentic: fix";
        var body = newline < 0 ? string.Empty : clean[(newline + 1)..].Trim('\n', ' ');
        body = string.Join('\n', body.Split('\n').Select(line => line.TrimEnd()));
        body = TextLimits.Cap(GitHubMarkdown.BreakReferences(body), MaxBodyLength);
        return body.Length == 0 ? subject : $"{subject}\n\n{body}";
    }

    /// <summary>The subject of a message made by <see cref="Sanitize"/>, for a pull request title.</summary>
    public static string Subject(string sanitizedMessage)
    {
        ArgumentNullException.ThrowIfNull(sanitizedMessage);
        var newline = sanitizedMessage.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? sanitizedMessage : sanitizedMessage[..newline];
    }
}
