using System.Security.Cryptography;

namespace Agentic.StandIns.GitHub;

/// <summary>A GitHub App of the stand-in, with its RSA key pair; configure the client with <see cref="Id"/> and <see cref="PrivateKeyPem"/>.</summary>
public sealed class StandInApp : IDisposable
{
    internal StandInApp(long id, string slug, string name, string privateKeyPem)
    {
        Id = id;
        Slug = slug;
        Name = name;
        Key = RSA.Create();
        Key.ImportFromPem(privateKeyPem);
        PrivateKeyPem = privateKeyPem;
    }

    public long Id { get; }

    public string Slug { get; }

    public string Name { get; }

    /// <summary>The private key as GitHub hands it out (PKCS#1 PEM).</summary>
    public string PrivateKeyPem { get; }

    /// <summary>The login of the app's bot user, e.g. <c>agentic[bot]</c>.</summary>
    public string BotLogin => $"{Slug}[bot]";

    internal RSA Key { get; }

    public void Dispose() => Key.Dispose();
}

/// <summary>An installation of an app on an account, for all of its repositories or selected ones.</summary>
public sealed class StandInInstallation
{
    internal StandInInstallation(long id, StandInApp app, string account, IReadOnlyCollection<string>? repositories)
    {
        Id = id;
        App = app;
        Account = account;
        Repositories = repositories;
    }

    public long Id { get; }

    public StandInApp App { get; }

    public string Account { get; }

    /// <summary>Repository names the installation covers; null for all of the account's.</summary>
    public IReadOnlyCollection<string>? Repositories { get; }

    public bool Covers(string owner, string repository) =>
        string.Equals(owner, Account, StringComparison.OrdinalIgnoreCase)
        && (Repositories is null || Repositories.Contains(repository, StringComparer.OrdinalIgnoreCase));
}

public sealed class StandInPullRequest
{
    public long Id { get; internal init; }

    public int Number { get; internal init; }

    public string Title { get; set; } = "";

    public string? Body { get; set; }

    /// <summary>open or closed.</summary>
    public string State { get; set; } = "open";

    public bool Draft { get; set; }

    public bool Locked { get; set; }

    public string User { get; set; } = "octocat";

    /// <summary>The head branch (in the same repository).</summary>
    public string HeadRef { get; set; } = "";

    public string BaseRef { get; set; } = "main";

    /// <summary>The head commit when the branch is not in the repository's git; otherwise the branch decides.</summary>
    public string? HeadSha { get; set; }

    public IList<string> Labels { get; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? MergedAt { get; set; }
}

public sealed class StandInAnnotation
{
    public string Path { get; set; } = "";

    public int StartLine { get; set; }

    public int EndLine { get; set; }

    public int? StartColumn { get; set; }

    public int? EndColumn { get; set; }

    /// <summary>notice, warning or failure.</summary>
    public string AnnotationLevel { get; set; } = "failure";

    public string? Title { get; set; }

    public string Message { get; set; } = "";

    public string? RawDetails { get; set; }
}

public sealed class StandInCheckRun
{
    public long Id { get; internal init; }

    public string Name { get; set; } = "";

    public string HeadSha { get; set; } = "";

    public string Status { get; set; } = "completed";

    public string? Conclusion { get; set; }

    public string? ExternalId { get; set; }

    public string? DetailsUrl { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? OutputTitle { get; set; }

    public string? OutputSummary { get; set; }

    public string? OutputText { get; set; }

    public IList<StandInAnnotation> Annotations { get; } = [];

    public long CheckSuiteId { get; set; }

    /// <summary>The app that created the run (GitHub Actions for workflow jobs).</summary>
    public long AppId { get; set; }
}

public sealed class StandInStep
{
    public string Name { get; set; } = "";

    public string Status { get; set; } = "completed";

    public string? Conclusion { get; set; } = "success";

    public int Number { get; set; }
}

/// <summary>A job of a workflow run; its check run has the same id.</summary>
public sealed class StandInJob
{
    public long Id { get; internal init; }

    public long RunId { get; internal init; }

    public string Name { get; set; } = "";

    public string Status { get; set; } = "completed";

    public string? Conclusion { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The log text the job's log download serves; null answers 404 (logs gone).</summary>
    public string? Log { get; set; }

    public IList<StandInStep> Steps { get; } = [];

    public IList<string> Labels { get; } = ["ubuntu-latest"];

    public int RunAttempt { get; set; } = 1;

    /// <summary>How often the job was re-run through the API.</summary>
    public int Reruns { get; set; }

    public StandInCheckRun CheckRun { get; internal init; } = null!;
}

public sealed class StandInWorkflowRun
{
    public long Id { get; internal init; }

    public string Name { get; set; } = "CI";

    public string Path { get; set; } = ".github/workflows/ci.yml";

    public long WorkflowId { get; set; }

    public int RunNumber { get; set; }

    public int RunAttempt { get; set; } = 1;

    public string Event { get; set; } = "pull_request";

    public string HeadSha { get; set; } = "";

    public string? HeadBranch { get; set; }

    public string Status { get; set; } = "completed";

    public string? Conclusion { get; set; }

    public long CheckSuiteId { get; internal init; }

    public string Actor { get; set; } = "octocat";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public IList<StandInJob> Jobs { get; } = [];
}

public sealed class StandInIssueComment
{
    public long Id { get; internal init; }

    public int IssueNumber { get; internal init; }

    public string Body { get; set; } = "";

    public string User { get; set; } = "octocat";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class StandInReviewComment
{
    public long Id { get; internal init; }

    public string Path { get; set; } = "";

    public int? Line { get; set; }

    public string Side { get; set; } = "RIGHT";

    public int? StartLine { get; set; }

    public string Body { get; set; } = "";
}

public sealed class StandInReview
{
    public long Id { get; internal init; }

    public int PullNumber { get; internal init; }

    public string User { get; set; } = "";

    public string Body { get; set; } = "";

    /// <summary>APPROVED, CHANGES_REQUESTED, COMMENTED or PENDING.</summary>
    public string State { get; set; } = "COMMENTED";

    public string CommitId { get; set; } = "";

    public DateTimeOffset? SubmittedAt { get; set; }

    public IList<StandInReviewComment> Comments { get; } = [];
}

/// <summary>What to seed a workflow run with: one check suite, one job (and check run) per <see cref="Jobs"/> entry.</summary>
public sealed class WorkflowRunSeed
{
    public string Name { get; init; } = "CI";

    /// <summary>The workflow file (<c>.github/workflows/tests.yml</c>); null derives it from <see cref="Name"/>.</summary>
    public string? Path { get; init; }

    public required string HeadSha { get; init; }

    public string? HeadBranch { get; init; }

    public string Event { get; init; } = "pull_request";

    public string Status { get; init; } = "completed";

    /// <summary>Null derives it from the jobs (failure when any failed).</summary>
    public string? Conclusion { get; init; }

    public IReadOnlyList<JobSeed> Jobs { get; init; } = [];
}

public sealed class JobSeed
{
    public required string Name { get; init; }

    public string Status { get; init; } = "completed";

    public string? Conclusion { get; init; } = "success";

    public string? Log { get; init; }

    public IReadOnlyList<string> Steps { get; init; } = ["Set up job", "Run actions/checkout@v4", "Build", "Complete job"];

    /// <summary>The step that failed (by name) when <see cref="Conclusion"/> is failure; the last but one by default.</summary>
    public string? FailedStep { get; init; }

    public IReadOnlyList<StandInAnnotation> Annotations { get; init; } = [];
}

/// <summary>A request the API side of the stand-in answered.</summary>
/// <param name="Elapsed">How long the stand-in took to answer (added latency included).</param>
public sealed record StandInRequest(string Method, string PathAndQuery, int Status, DateTimeOffset At, string? Identity, bool HadAuthorization, bool NotModified, TimeSpan Elapsed = default);

/// <summary>A request to the log storage host.</summary>
public sealed record StandInLogDownload(long JobId, int Status, bool HadAuthorization);

/// <summary>A git smart-HTTP request.</summary>
public sealed record StandInGitRequest(string Repository, string Service, bool IsWrite, int Status, string? User);

/// <summary>A commit as read back from a stand-in repository.</summary>
public sealed record StandInCommit(string Sha, string Tree, IReadOnlyList<string> Parents, string Author, string Message);

/// <summary>
/// A failure to inject: the next <see cref="Times"/> API requests matching <see cref="Method"/>,
/// <see cref="PathContains"/> and <see cref="PathEndsWith"/> answer <see cref="StatusCode"/> (with <c>retry-after</c> when given).
/// </summary>
public sealed class StandInFault
{
    public required int StatusCode { get; init; }

    public string? Method { get; init; }

    public string? PathContains { get; init; }

    /// <summary>Matches only paths ending so (e.g. a job, not its <c>/logs</c>).</summary>
    public string? PathEndsWith { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>GitHub's message; defaults by status (secondary-limit text for 403/429).</summary>
    public string? Message { get; init; }

    public int Times { get; init; } = 1;

    internal int Remaining;
}
