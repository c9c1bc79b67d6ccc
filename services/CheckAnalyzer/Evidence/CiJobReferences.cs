using System.Globalization;
using System.Text;
using Agentic.CheckAnalyzer.Logs;
using Agentic.Contracts.Common;
using Agentic.GitHub.Models;

namespace Agentic.CheckAnalyzer.Evidence;

/// <summary>
/// Builds and validates the <see cref="CiJobReference"/> of a GitHub Actions job. Every field is untrusted (the
/// repository names its workflow, jobs and steps; the log prints the commands): the workflow path must be a file under
/// <c>.github/workflows/</c> without <c>..</c>, names and the command are cut and cleared of control characters.
/// </summary>
public static class CiJobReferences
{
    public const string WorkflowsFolder = ".github/workflows/";
    public const int MaxPathChars = 255;
    public const int MaxNameChars = 200;
    public const int MaxCommandChars = 500;
    public const int MaxStepNumber = 1000;

    /// <summary>The reference for a job of a run, with the failed step found in the job's steps and its command in the reduced log; null when the workflow path is not acceptable.</summary>
    public static CiJobReference? FromGitHub(GitHubJob job, GitHubWorkflowRun run, ReducedLog? log, string checkName)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(checkName);
        var failed = job.Steps.Where(s => s.Conclusion == "failure").OrderBy(s => s.Number).FirstOrDefault();
        return Validate(new CiJobReference
        {
            WorkflowPath = run.Path ?? "",
            JobName = string.IsNullOrWhiteSpace(job.Name) ? checkName : job.Name,
            FailedStepName = failed?.Name,
            FailedStepNumber = failed?.Number,
            FailedStepCommand = failed is null || log is null ? null : CommandOf(failed.Name, log),
        });
    }

    /// <summary>The reference with every field checked and cut; null when the workflow path or the job name is not acceptable.</summary>
    public static CiJobReference? Validate(CiJobReference? reference)
    {
        if (reference is null || WorkflowPath(reference.WorkflowPath) is not { } path || Text(reference.JobName, MaxNameChars) is not { } jobName)
        {
            return null;
        }

        return new CiJobReference
        {
            WorkflowPath = path,
            JobName = jobName,
            FailedStepName = Text(reference.FailedStepName, MaxNameChars),
            FailedStepNumber = reference.FailedStepNumber is >= 1 and <= MaxStepNumber ? reference.FailedStepNumber : null,
            FailedStepCommand = Text(reference.FailedStepCommand, MaxCommandChars),
        };
    }

    /// <summary>
    /// A workflow file's path relative to the repository root: GitHub's run <c>path</c> may end in <c>@ref</c> (a
    /// reusable or required workflow), which is cut; it must then be a <c>.yml</c>/<c>.yaml</c> file under
    /// <c>.github/workflows/</c>, with no <c>..</c>, backslash, control character or empty segment.
    /// </summary>
    public static string? WorkflowPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var at = path.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            path = path[..at];
        }

        var valid = path.Length is > 18 and <= MaxPathChars
            && path.StartsWith(WorkflowsFolder, StringComparison.Ordinal)
            && (path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal))
            && !path.Contains("..", StringComparison.Ordinal)
            && !path.Contains('\\', StringComparison.Ordinal)
            && !path.Contains("//", StringComparison.Ordinal)
            && !path.Any(char.IsControl);
        return valid ? path : null;
    }

    /// <summary>
    /// The failed step's command as the log's header shows it: the header that is the step's own name (an unnamed
    /// step is named <c>Run &lt;first line&gt;</c> after it), else the header of the step whose process failed.
    /// </summary>
    private static string? CommandOf(string stepName, ReducedLog log)
    {
        if (stepName.StartsWith("Run ", StringComparison.Ordinal) && log.StepCommands.FirstOrDefault(c => c == stepName["Run ".Length..]) is { } named)
        {
            return named;
        }

        return log.FailedStep is { } index && index >= 1 && index <= log.StepCommands.Count ? log.StepCommands[index - 1] : null;
    }

    private static string? Text(string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = new StringBuilder(Math.Min(value.Length, max));
        foreach (var c in value.Trim())
        {
            if (text.Length == max || (text.Length == max - 1 && char.IsHighSurrogate(c)))
            {
                break;
            }

            // Control and format characters (escapes, bidi overrides) never reach a message.
            var category = char.GetUnicodeCategory(c);
            text.Append(category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator ? ' ' : c);
        }

        var result = text.ToString().Trim();
        return result.Length == 0 ? null : result;
    }
}
