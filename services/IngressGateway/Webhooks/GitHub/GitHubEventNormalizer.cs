using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;

namespace Agentic.IngressGateway.Webhooks.GitHub;

/// <summary>
/// Turns a GitHub webhook payload into the typed event the rest of the system consumes, or null when no one needs it
/// (recorded and ignored). Throws <see cref="WebhookPayloadException"/> naming a missing field.
/// </summary>
public sealed class GitHubEventNormalizer(string agentName)
{
    /// <summary>The events the gateway understands; others are recorded and ignored.</summary>
    public static IReadOnlySet<string> KnownEvents { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ping", "installation", "installation_repositories", "check_run", "check_suite", "workflow_run", "workflow_job",
        "pull_request", "pull_request_review", "issues", "issue_comment", "push",
    };

    private static readonly HashSet<string> PullRequestActions = new(StringComparer.Ordinal)
    {
        "opened", "synchronize", "reopened", "closed", "ready_for_review", "converted_to_draft", "edited",
    };

    public object? Normalize(string eventName, string deliveryId, Guid correlationId, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookPayloadException("the payload is not a JSON object");
        }

        var action = payload.OptionalString("action");
        return (eventName, action) switch
        {
            ("check_run", "completed") => CheckRun(deliveryId, correlationId, payload),
            ("check_suite", "completed") => CheckSuite(deliveryId, correlationId, payload),
            ("workflow_run", "completed") => WorkflowRun(deliveryId, correlationId, payload),
            ("workflow_job", "completed") => WorkflowJob(deliveryId, correlationId, payload),
            ("pull_request", { } a) when PullRequestActions.Contains(a) => PullRequestChanged(deliveryId, correlationId, payload, a),
            ("pull_request_review", "submitted") => ReviewSubmitted(deliveryId, correlationId, payload),
            ("issues", "labeled") => IssueLabeled(deliveryId, correlationId, payload),
            ("issue_comment", "created") => CommentRequest(deliveryId, correlationId, payload),
            ("push", _) => Push(deliveryId, correlationId, payload),
            ("installation", { } a) => Installation(deliveryId, correlationId, payload, a),
            ("installation_repositories", { } a) => Installation(deliveryId, correlationId, payload, a),
            _ => null,
        };
    }

    private static CheckRunCompleted CheckRun(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var checkRun = payload.Node("check_run") ?? throw new WebhookPayloadException("'check_run' is missing");
        return new CheckRunCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            CheckRunId = checkRun.RequiredInt64("id"),
            Name = checkRun.RequiredString("name"),
            HeadSha = checkRun.RequiredString("head_sha"),
            Conclusion = checkRun.OptionalString("conclusion") ?? "unknown",
            CheckSuiteId = checkRun.OptionalInt64("check_suite", "id"),
            AppSlug = checkRun.OptionalString("app", "slug"),
            DetailsUrl = checkRun.OptionalString("details_url"),
            CompletedAt = checkRun.OptionalTime("completed_at"),
            PullRequests = PullRequests(repository, checkRun.Array("pull_requests")),
        };
    }

    private static CheckSuiteCompleted CheckSuite(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var suite = payload.Node("check_suite") ?? throw new WebhookPayloadException("'check_suite' is missing");
        return new CheckSuiteCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            CheckSuiteId = suite.RequiredInt64("id"),
            HeadSha = suite.RequiredString("head_sha"),
            HeadBranch = suite.OptionalString("head_branch"),
            Conclusion = suite.OptionalString("conclusion") ?? "unknown",
            PullRequests = PullRequests(repository, suite.Array("pull_requests")),
        };
    }

    private static WorkflowRunCompleted WorkflowRun(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var run = payload.Node("workflow_run") ?? throw new WebhookPayloadException("'workflow_run' is missing");
        return new WorkflowRunCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            WorkflowRunId = run.RequiredInt64("id"),
            Name = run.OptionalString("name") ?? string.Empty,
            HeadSha = run.RequiredString("head_sha"),
            HeadBranch = run.OptionalString("head_branch"),
            Conclusion = run.OptionalString("conclusion") ?? "unknown",
            RunAttempt = (int)(run.OptionalInt64("run_attempt") ?? 1),
            PullRequests = PullRequests(repository, run.Array("pull_requests")),
        };
    }

    private static WorkflowJobCompleted WorkflowJob(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var job = payload.Node("workflow_job") ?? throw new WebhookPayloadException("'workflow_job' is missing");
        return new WorkflowJobCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = Repository(payload),
            JobId = job.RequiredInt64("id"),
            WorkflowRunId = job.RequiredInt64("run_id"),
            Name = job.RequiredString("name"),
            HeadSha = job.RequiredString("head_sha"),
            Conclusion = job.OptionalString("conclusion") ?? "unknown",
            RunAttempt = (int)(job.OptionalInt64("run_attempt") ?? 1),
        };
    }

    private static PullRequestChanged PullRequestChanged(string deliveryId, Guid correlationId, JsonElement payload, string action)
    {
        var repository = Repository(payload);
        var pr = payload.Node("pull_request") ?? throw new WebhookPayloadException("'pull_request' is missing");
        var headRepository = pr.OptionalInt64("head", "repo", "id");
        return new PullRequestChanged
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Action = action,
            PullRequest = PullRequest(repository, pr),
            Title = pr.OptionalString("title") ?? string.Empty,
            Author = pr.OptionalString("user", "login") ?? string.Empty,
            Draft = pr.OptionalBool("draft"),
            Merged = pr.OptionalBool("merged"),
            BeforeSha = payload.OptionalString("before"),
            FromFork = headRepository is not null && headRepository != repository.RepositoryId,
        };
    }

    private static PullRequestReviewSubmitted ReviewSubmitted(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var pr = payload.Node("pull_request") ?? throw new WebhookPayloadException("'pull_request' is missing");
        return new PullRequestReviewSubmitted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            PullRequest = PullRequest(repository, pr),
            ReviewId = payload.RequiredInt64("review", "id"),
            Reviewer = payload.OptionalString("review", "user", "login") ?? string.Empty,
            State = payload.OptionalString("review", "state") ?? "commented",
        };
    }

    private static IssueLabeled IssueLabeled(string deliveryId, Guid correlationId, JsonElement payload) => new()
    {
        CorrelationId = correlationId,
        DeliveryId = deliveryId,
        Repository = Repository(payload),
        IssueNumber = (int)payload.RequiredInt64("issue", "number"),
        Label = payload.OptionalString("label", "name") ?? string.Empty,
        Sender = payload.OptionalString("sender", "login") ?? string.Empty,
    };

    private AgentRequestReceived? CommentRequest(string deliveryId, Guid correlationId, JsonElement payload)
    {
        // The agent's own comments and other bots never command it.
        if (payload.OptionalString("comment", "user", "type") == "Bot" || payload.OptionalString("sender", "type") == "Bot")
        {
            return null;
        }

        if (AgentCommandParser.ParseAddressed(payload.OptionalString("comment", "body"), agentName) is not { } command)
        {
            return null;
        }

        var repository = Repository(payload);
        var number = (int)payload.RequiredInt64("issue", "number");
        return new AgentRequestReceived
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Source = RequestSource.GitHub,
            Verb = command.Verb,
            Text = command.Text,
            Requester = payload.OptionalString("comment", "user", "login") ?? string.Empty,
            Association = Association(payload.OptionalString("comment", "author_association")),
            Repository = repository,
            IssueNumber = number,
            ReplyTo = new ReplyTarget { Source = RequestSource.GitHub, Address = $"{repository.Owner}/{repository.Name}#{number}" },
        };
    }

    private static PushReceived Push(string deliveryId, Guid correlationId, JsonElement payload) => new()
    {
        CorrelationId = correlationId,
        DeliveryId = deliveryId,
        Repository = Repository(payload),
        Ref = payload.RequiredString("ref"),
        BeforeSha = payload.OptionalString("before") ?? string.Empty,
        AfterSha = payload.RequiredString("after"),
        Pusher = payload.OptionalString("pusher", "name") ?? payload.OptionalString("sender", "login") ?? string.Empty,
        Forced = payload.OptionalBool("forced"),
    };

    private static InstallationChanged Installation(string deliveryId, Guid correlationId, JsonElement payload, string action)
    {
        var installationId = payload.RequiredInt64("installation", "id");
        var account = payload.OptionalString("installation", "account", "login") ?? string.Empty;
        IReadOnlyList<RepositoryRef> Repositories(string property) =>
            payload.Array(property).Select(r => InstalledRepository(installationId, r)).ToList();

        return new InstallationChanged
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            InstallationId = installationId,
            Account = account,
            Action = action,
            RepositoriesAdded = action == "created" ? Repositories("repositories") : Repositories("repositories_added"),
            RepositoriesRemoved = action == "deleted" ? Repositories("repositories") : Repositories("repositories_removed"),
        };
    }

    private static RepositoryRef InstalledRepository(long installationId, JsonElement repository)
    {
        var fullName = repository.RequiredString("full_name");
        var slash = fullName.IndexOf('/', StringComparison.Ordinal);
        return new RepositoryRef
        {
            InstallationId = installationId,
            RepositoryId = repository.RequiredInt64("id"),
            Owner = slash > 0 ? fullName[..slash] : fullName,
            Name = repository.OptionalString("name") ?? fullName[(slash + 1)..],
        };
    }

    private static List<PullRequestRef> PullRequests(RepositoryRef repository, IEnumerable<JsonElement> pullRequests) =>
        pullRequests.Select(pr => PullRequest(repository, pr)).ToList();

    private static PullRequestRef PullRequest(RepositoryRef repository, JsonElement pr) => new()
    {
        Repository = repository,
        Number = (int)pr.RequiredInt64("number"),
        HeadSha = pr.RequiredString("head", "sha"),
        HeadRef = pr.RequiredString("head", "ref"),
        BaseRef = pr.RequiredString("base", "ref"),
    };

    private static RepositoryRef Repository(JsonElement payload) => new()
    {
        // Webhooks configured on a repository (not through the App) carry no installation: 0 until one is known.
        InstallationId = payload.OptionalInt64("installation", "id") ?? 0,
        RepositoryId = payload.RequiredInt64("repository", "id"),
        Owner = payload.RequiredString("repository", "owner", "login"),
        Name = payload.RequiredString("repository", "name"),
    };

    private static AuthorAssociation Association(string? value) => value switch
    {
        "OWNER" => AuthorAssociation.Owner,
        "MEMBER" => AuthorAssociation.Member,
        "COLLABORATOR" => AuthorAssociation.Collaborator,
        "CONTRIBUTOR" => AuthorAssociation.Contributor,
        "FIRST_TIME_CONTRIBUTOR" => AuthorAssociation.FirstTimeContributor,
        "FIRST_TIMER" => AuthorAssociation.FirstTimer,
        "MANNEQUIN" => AuthorAssociation.Mannequin,
        _ => AuthorAssociation.None,
    };
}
