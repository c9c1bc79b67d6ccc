using System.Globalization;
using System.Net;
using System.Text;
using Agentic.CheckAnalyzer.Logs;
using Agentic.CheckAnalyzer.Parsers;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.GitHub;
using Agentic.GitHub.Models;

namespace Agentic.CheckAnalyzer.Evidence;

/// <summary>
/// Fetches evidence from GitHub: the Actions job log (streamed through the 302 to log storage and reduced on the fly)
/// when the request names a job, otherwise the check run's output and annotations (other CI systems). Also asks
/// whether the same check passed on the same head SHA in another run or attempt (flakiness). For an Actions job it also
/// reads the job (its steps) and its run (the workflow file) to say where the failure happened
/// (<see cref="CiJobReference"/>); when those calls fail the evidence has no job reference, never an error.
/// </summary>
public sealed partial class GitHubEvidenceSource(GitHubClient github, ILogger<GitHubEvidenceSource> logger) : IEvidenceSource
{
    private const int MaxAnnotations = 500;

    public bool IsConfigured => github.HasCredentials;

    public async Task<FailureEvidence> FetchAsync(AnalyzeCheckFailure request, LogReductionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (!IsConfigured)
        {
            throw new EvidenceUnavailableException("GitHub access is not configured");
        }

        var repository = request.PullRequest.Repository;
        var client = github.ForRepository(repository.InstallationId);
        // The flaky check does not depend on the log: both go out at once.
        using var lookup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var passedElsewhere = PassedElsewhereAsync(client, request, lookup.Token);
        var jobAndRun = request.JobId is { } id ? JobAndRunAsync(client, request, id, lookup.Token) : Task.FromResult<(GitHubJob Job, GitHubWorkflowRun Run)?>(null);
        try
        {
            var (source, log) = request.JobId is { } jobId
                ? ("job-log", await ReduceJobLogAsync(client, repository.Owner, repository.Name, jobId, settings, cancellationToken))
                : ("check-run-output", await ReduceCheckRunAsync(client, repository.Owner, repository.Name, request.CheckRunId, settings, cancellationToken));
            var job = await jobAndRun is { } pair ? CiJobReferences.FromGitHub(pair.Job, pair.Run, log, request.CheckName) : null;
            if (job is null && request.JobId is not null)
            {
                LogNoJobReference(logger, request.CorrelationId);
            }

            return new FailureEvidence(source, log, await passedElsewhere, job);
        }
        catch (GitHubApiException ex)
        {
            var what = request.JobId is null ? "check run output" : "job log";
            var status = ex.StatusCode is { } code ? ((int)code).ToString(CultureInfo.InvariantCulture) : "error";
            var reason = ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone
                ? $"the {what} is no longer available on GitHub ({status})"
                : $"GitHub refused the {what} request ({status}: {ex.GitHubMessage ?? ex.Message})";
            throw new EvidenceUnavailableException(reason, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new EvidenceUnavailableException($"GitHub could not be reached for the failure evidence ({ex.HttpRequestError})", ex);
        }
        finally
        {
            // Without the log the lookups are not wanted: stop them, and never leave them running unobserved.
            if (!passedElsewhere.IsCompleted || !jobAndRun.IsCompleted)
            {
                await lookup.CancelAsync();
            }

            await ((Task)passedElsewhere).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ((Task)jobAndRun).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task<ReducedLog> ReduceJobLogAsync(GitHubClient client, string owner, string repo, long jobId, LogReductionSettings settings, CancellationToken cancellationToken)
    {
        await using var stream = await client.DownloadJobLogsAsync(owner, repo, jobId, cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        return await LogReducer.ReduceAsync(reader, settings, cancellationToken);
    }

    private static async Task<ReducedLog> ReduceCheckRunAsync(GitHubClient client, string owner, string repo, long checkRunId, LogReductionSettings settings, CancellationToken cancellationToken)
    {
        var checkRun = await client.GetCheckRunAsync(owner, repo, checkRunId, cancellationToken);
        var text = new StringBuilder();
        var extra = new FindingCollector();
        AppendLine(text, checkRun.Output.Title);
        AppendLine(text, checkRun.Output.Summary);
        if (checkRun.Output.Text is { Length: > 0 } body)
        {
            if (TestResultXmlParser.LooksLikeTestResults(body))
            {
                extra.AddRange(TestResultXmlParser.Parse(body));
            }
            else
            {
                AppendLine(text, body);
            }
        }

        var count = 0;
        await foreach (var annotation in client.ListCheckRunAnnotationsAsync(owner, repo, checkRunId, cancellationToken: cancellationToken))
        {
            if (++count > MaxAnnotations)
            {
                break;
            }

            var level = annotation.AnnotationLevel ?? "failure";
            var path = PathNormalizer.Normalize(annotation.Path);
            var message = annotation.Message ?? annotation.Title ?? "";
            text.Append(CultureInfo.InvariantCulture, $"{path}:{annotation.StartLine}: {(level == "failure" ? "error" : level)}: {(string.IsNullOrEmpty(annotation.Title) ? "" : annotation.Title + ": ")}{message}").Append('\n');
            if (level == "failure" && annotation.Path is { Length: > 0 } && annotation.Path != ".github")
            {
                var parsed = new FindingCollector();
                LogParsers.ParseText(message, parsed);
                extra.AddRange(parsed.Findings);
                if (parsed.Total == 0)
                {
                    extra.Add(new Finding(FindingKind.Other, "annotation", path, annotation.StartLine, annotation.StartColumn, annotation.Title, message));
                }
            }
        }

        var reduced = await LogReducer.ReduceAsync(text.ToString(), settings, cancellationToken);
        reduced.Findings.AddRange(extra.Findings);
        return reduced;
    }

    private async Task<bool> PassedElsewhereAsync(GitHubClient client, AnalyzeCheckFailure request, CancellationToken cancellationToken)
    {
        var repository = request.PullRequest.Repository;
        try
        {
            await foreach (var run in client.ListCheckRunsForRefAsync(repository.Owner, repository.Name, request.PullRequest.HeadSha, request.CheckName, filter: "all", cancellationToken: cancellationToken))
            {
                if (run.Id != request.CheckRunId && run.Name == request.CheckName && run.Conclusion == "success")
                {
                    return true;
                }
            }
        }
        catch (GitHubApiException ex)
        {
            LogFlakyLookupFailed(logger, request.CorrelationId, ex.StatusCode is { } code ? (int)code : 0);
        }
        catch (HttpRequestException ex)
        {
            LogFlakyLookupUnreachable(logger, request.CorrelationId, ex.HttpRequestError);
        }

        return false;
    }

    /// <summary>The job (name, steps) and its workflow run (the workflow file); null when either cannot be read.</summary>
    private async Task<(GitHubJob Job, GitHubWorkflowRun Run)?> JobAndRunAsync(GitHubClient client, AnalyzeCheckFailure request, long jobId, CancellationToken cancellationToken)
    {
        var repository = request.PullRequest.Repository;
        try
        {
            var job = await client.GetJobAsync(repository.Owner, repository.Name, jobId, cancellationToken);
            var run = await client.GetWorkflowRunAsync(repository.Owner, repository.Name, job.RunId, cancellationToken);
            return (job, run);
        }
        catch (GitHubApiException ex)
        {
            LogJobLookupFailed(logger, request.CorrelationId, ex.StatusCode is { } code ? (int)code : 0);
        }
        catch (HttpRequestException ex)
        {
            LogJobLookupUnreachable(logger, request.CorrelationId, ex.HttpRequestError);
        }
        catch (System.Text.Json.JsonException)
        {
            LogJobLookupFailed(logger, request.CorrelationId, 200);
        }

        return null;
    }

    private static void AppendLine(StringBuilder text, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            text.Append(value).Append('\n');
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "Workflow {WorkflowId}: could not list the check runs of the head commit (status {Status}); flakiness not assessed")]
    private static partial void LogFlakyLookupFailed(ILogger logger, Guid workflowId, int status);

    [LoggerMessage(22, LogLevel.Warning, "Workflow {WorkflowId}: could not read the Actions job or its run (status {Status}); no job reference")]
    private static partial void LogJobLookupFailed(ILogger logger, Guid workflowId, int status);

    [LoggerMessage(23, LogLevel.Warning, "Workflow {WorkflowId}: GitHub could not be reached to read the Actions job or its run ({Error}); no job reference")]
    private static partial void LogJobLookupUnreachable(ILogger logger, Guid workflowId, HttpRequestError error);

    [LoggerMessage(24, LogLevel.Information, "Workflow {WorkflowId}: the Actions job has no usable job reference (job or run unreadable, or the workflow path refused)")]
    private static partial void LogNoJobReference(ILogger logger, Guid workflowId);

    [LoggerMessage(21, LogLevel.Warning, "Workflow {WorkflowId}: GitHub could not be reached to list the check runs of the head commit ({Error}); flakiness not assessed")]
    private static partial void LogFlakyLookupUnreachable(ILogger logger, Guid workflowId, HttpRequestError error);
}
