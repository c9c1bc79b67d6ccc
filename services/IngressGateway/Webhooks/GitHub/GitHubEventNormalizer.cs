using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;

namespace Agentic.IngressGateway.Webhooks.GitHub;

/// <summary>
/// Turns a GitHub webhook payload into the typed event the rest of the system consumes, or the reason no one needs it
/// (recorded and ignored). The shape is checked here, not by the consumers: ids are positive, numbers fit, SHAs are
/// SHAs, owner and repository names are GitHub's (at most 39 and 100 characters, GitHub's characters), names fit an
/// index. Anything else throws <see cref="WebhookPayloadException"/> naming the field (recorded as malformed, 400).
/// </summary>
public sealed class GitHubEventNormalizer(string agentName)
{
    /// <summary>The events the gateway understands; others are recorded and ignored.</summary>
    public static IReadOnlySet<string> KnownEvents { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ping", "installation", "installation_repositories", "check_run", "check_suite", "workflow_run", "workflow_job",
        "pull_request", "pull_request_review", "issues", "issue_comment", "push", "repository",
    };

    /// <summary>GitHub's limits: a user or organisation login, a repository name.</summary>
    public const int MaxOwnerLength = 39;
    public const int MaxRepositoryNameLength = 100;

    // Check, job and workflow names end up in unique indexes (fix workflow identity): bounded well under a btree row.
    private const int MaxNameLength = 500;
    private const int MaxRefLength = 1024;

    /// <summary>The author associations that may ask for changes: people with write access to the repository.</summary>
    public static IReadOnlySet<string> WriteAssociations { get; } = new HashSet<string>(StringComparer.Ordinal) { "OWNER", "MEMBER", "COLLABORATOR" };

    private static readonly System.Buffers.SearchValues<char> OwnerCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private static readonly HashSet<string> PullRequestActions = new(StringComparer.Ordinal)
    {
        "opened", "synchronize", "reopened", "closed", "ready_for_review", "converted_to_draft", "edited",
    };

    public Normalized Normalize(string eventName, string deliveryId, Guid correlationId, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookPayloadException("the payload is not a JSON object");
        }

        var action = payload.OptionalText(100, "action");
        return (eventName, action) switch
        {
            ("check_run", "completed") => Normalized.Publish(CheckRun(deliveryId, correlationId, payload)),
            ("check_suite", "completed") => Normalized.Publish(CheckSuite(deliveryId, correlationId, payload)),
            ("workflow_run", "completed") => Normalized.Publish(WorkflowRun(deliveryId, correlationId, payload)),
            ("workflow_job", "completed") => Normalized.Publish(WorkflowJob(deliveryId, correlationId, payload)),
            ("pull_request", { } a) when PullRequestActions.Contains(a) => Normalized.Publish(PullRequestChanged(deliveryId, correlationId, payload, a)),
            ("pull_request_review", "submitted") => Normalized.Publish(ReviewSubmitted(deliveryId, correlationId, payload)),
            ("issues", "labeled") => Normalized.Publish(IssueLabeled(deliveryId, correlationId, payload)),
            ("issue_comment", "created") => CommentRequest(deliveryId, correlationId, payload),
            ("push", _) => Normalized.Publish(Push(deliveryId, correlationId, payload)),
            ("installation", { } a) => Normalized.Publish(Installation(deliveryId, correlationId, payload, a)),
            ("installation_repositories", { } a) => Normalized.Publish(Installation(deliveryId, correlationId, payload, a)),
            ("repository", "deleted" or "transferred") => Normalized.Publish(new RepositoryChanged
            {
                CorrelationId = correlationId, DeliveryId = deliveryId, Repository = Repository(payload), Action = action!,
            }),
            ("ping", _) => Normalized.Ignore("ping"),
            _ when KnownEvents.Contains(eventName) => Normalized.Ignore($"nothing in Agentic uses {eventName}.{action ?? "(no action)"}"),
            _ => Normalized.Ignore($"nothing in Agentic uses {eventName}"),
        };
    }

    private static CheckRunCompleted CheckRun(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var checkRun = payload.RequiredObject("check_run");
        return JsonElementExtensions.Scoped("check_run", () => new CheckRunCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            CheckRunId = checkRun.RequiredId("id"),
            Name = checkRun.RequiredText(MaxNameLength, "name"),
            HeadSha = checkRun.RequiredSha("head_sha"),
            Conclusion = checkRun.OptionalString("conclusion") ?? "unknown",
            CheckSuiteId = checkRun.OptionalInt64("check_suite", "id"),
            AppSlug = checkRun.OptionalString("app", "slug"),
            DetailsUrl = checkRun.OptionalString("details_url"),
            CompletedAt = checkRun.OptionalTime("completed_at"),
            PullRequests = PullRequests(repository, checkRun.Array("pull_requests")),
        });
    }

    private static CheckSuiteCompleted CheckSuite(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var suite = payload.RequiredObject("check_suite");
        return JsonElementExtensions.Scoped("check_suite", () => new CheckSuiteCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            CheckSuiteId = suite.RequiredId("id"),
            HeadSha = suite.RequiredSha("head_sha"),
            HeadBranch = suite.OptionalText(MaxRefLength, "head_branch"),
            Conclusion = suite.OptionalString("conclusion") ?? "unknown",
            PullRequests = PullRequests(repository, suite.Array("pull_requests")),
        });
    }

    private static WorkflowRunCompleted WorkflowRun(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var run = payload.RequiredObject("workflow_run");
        return JsonElementExtensions.Scoped("workflow_run", () => new WorkflowRunCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            WorkflowRunId = run.RequiredId("id"),
            Name = run.OptionalText(MaxNameLength, "name") ?? string.Empty,
            HeadSha = run.RequiredSha("head_sha"),
            HeadBranch = run.OptionalText(MaxRefLength, "head_branch"),
            Conclusion = run.OptionalString("conclusion") ?? "unknown",
            RunAttempt = run.OptionalNumber("run_attempt") ?? 1,
            PullRequests = PullRequests(repository, run.Array("pull_requests")),
        });
    }

    private static WorkflowJobCompleted WorkflowJob(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var job = payload.RequiredObject("workflow_job");
        return JsonElementExtensions.Scoped("workflow_job", () => new WorkflowJobCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            JobId = job.RequiredId("id"),
            WorkflowRunId = job.RequiredId("run_id"),
            Name = job.RequiredText(MaxNameLength, "name"),
            HeadSha = job.RequiredSha("head_sha"),
            Conclusion = job.OptionalString("conclusion") ?? "unknown",
            RunAttempt = job.OptionalNumber("run_attempt") ?? 1,
        });
    }

    private static PullRequestChanged PullRequestChanged(string deliveryId, Guid correlationId, JsonElement payload, string action)
    {
        var repository = Repository(payload);
        var pr = payload.RequiredObject("pull_request");
        var headRepository = pr.OptionalInt64("head", "repo", "id");
        return new PullRequestChanged
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Action = action,
            PullRequest = JsonElementExtensions.Scoped("pull_request", () => PullRequest(repository, pr)),
            Title = pr.OptionalString("title") ?? string.Empty,
            Author = pr.OptionalString("user", "login") ?? string.Empty,
            Draft = pr.OptionalBool("draft"),
            Merged = pr.OptionalBool("merged"),
            BeforeSha = payload.OptionalSha("before"),
            FromFork = headRepository is not null && headRepository != repository.RepositoryId,
        };
    }

    private static PullRequestReviewSubmitted ReviewSubmitted(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var pr = payload.RequiredObject("pull_request");
        return new PullRequestReviewSubmitted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            PullRequest = JsonElementExtensions.Scoped("pull_request", () => PullRequest(repository, pr)),
            ReviewId = payload.RequiredId("review", "id"),
            Reviewer = payload.OptionalString("review", "user", "login") ?? string.Empty,
            State = payload.OptionalString("review", "state") ?? "commented",
        };
    }

    private static IssueLabeled IssueLabeled(string deliveryId, Guid correlationId, JsonElement payload) => new()
    {
        CorrelationId = correlationId,
        DeliveryId = deliveryId,
        Repository = Repository(payload),
        IssueNumber = payload.RequiredNumber("issue", "number"),
        Label = payload.OptionalString("label", "name") ?? string.Empty,
        Sender = payload.OptionalString("sender", "login") ?? string.Empty,
    };

    private Normalized CommentRequest(string deliveryId, Guid correlationId, JsonElement payload)
    {
        // The agent's own comments and other bots never command it.
        if (payload.OptionalString("comment", "user", "type") == "Bot" || payload.OptionalString("sender", "type") == "Bot")
        {
            return Normalized.Ignore("comments by bots never command the agent");
        }

        var search = AgentCommandParser.ParseAddressed(payload.OptionalString("comment", "body"), agentName);
        if (search.Command is not { } command)
        {
            return Normalized.NoCommand(search);
        }

        // Who may ask what: changes need write access; anyone who may comment may ask what only reads and answers.
        var association = payload.OptionalString("comment", "author_association") is { } raw && Association(raw) is var known && known != AuthorAssociation.None
            ? raw
            : "NONE";
        if (!AgentCommandParser.ReadOnlyVerbs.Contains(command.Verb) && !WriteAssociations.Contains(association))
        {
            return Normalized.Refuse($"author association {association} may not request {command.Verb} (it needs write access: OWNER, MEMBER or COLLABORATOR)");
        }

        var repository = Repository(payload);
        var number = payload.RequiredNumber("issue", "number");
        return Normalized.Publish(new AgentRequestReceived
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
        });
    }

    private static PushReceived Push(string deliveryId, Guid correlationId, JsonElement payload) => new()
    {
        CorrelationId = correlationId,
        DeliveryId = deliveryId,
        Repository = Repository(payload),
        Ref = payload.RequiredText(MaxRefLength, "ref"),
        BeforeSha = payload.OptionalSha("before") ?? string.Empty,
        AfterSha = payload.RequiredSha("after"),
        Pusher = payload.OptionalString("pusher", "name") ?? payload.OptionalString("sender", "login") ?? string.Empty,
        Forced = payload.OptionalBool("forced"),
    };

    private static InstallationChanged Installation(string deliveryId, Guid correlationId, JsonElement payload, string action)
    {
        var installationId = payload.RequiredId("installation", "id");
        var account = payload.OptionalString("installation", "account", "login") ?? string.Empty;
        IReadOnlyList<RepositoryRef> Repositories(string property) =>
            JsonElementExtensions.Scoped($"{property}[]", () => payload.Array(property).Select(r => InstalledRepository(installationId, r)).ToList());

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
        var fullName = repository.RequiredText(MaxOwnerLength + 1 + MaxRepositoryNameLength, "full_name");
        var slash = fullName.IndexOf('/', StringComparison.Ordinal);
        return new RepositoryRef
        {
            InstallationId = installationId,
            RepositoryId = repository.RequiredId("id"),
            Owner = ValidOwner(slash > 0 ? fullName[..slash] : fullName, "full_name"),
            Name = ValidName(repository.OptionalString("name") ?? fullName[(slash + 1)..], "name"),
        };
    }

    private static List<PullRequestRef> PullRequests(RepositoryRef repository, IEnumerable<JsonElement> pullRequests) =>
        JsonElementExtensions.Scoped("pull_requests[]", () => pullRequests.Select(pr => PullRequest(repository, pr)).ToList());

    private static PullRequestRef PullRequest(RepositoryRef repository, JsonElement pr) => new()
    {
        Repository = repository,
        Number = pr.RequiredNumber("number"),
        HeadSha = pr.RequiredSha("head", "sha"),
        HeadRef = pr.RequiredText(MaxRefLength, "head", "ref"),
        BaseRef = pr.RequiredText(MaxRefLength, "base", "ref"),
    };

    private static RepositoryRef Repository(JsonElement payload) => new()
    {
        // Webhooks configured on a repository (not through the App) carry no installation: 0 until one is known.
        InstallationId = payload.Node("installation", "id") is null ? 0 : payload.RequiredId("installation", "id"),
        RepositoryId = payload.RequiredId("repository", "id"),
        Owner = ValidOwner(payload.RequiredString("repository", "owner", "login"), "repository.owner.login"),
        Name = ValidName(payload.RequiredString("repository", "name"), "repository.name"),
    };

    private static string ValidOwner(string owner, string field) =>
        owner.Length is 0 or > MaxOwnerLength ? throw new WebhookPayloadException($"'{field}' must be 1 to {MaxOwnerLength} characters (GitHub's limit)")
        : owner.AsSpan().ContainsAnyExcept(OwnerCharacters) ? throw new WebhookPayloadException($"'{field}' has characters GitHub does not allow in a login")
        : owner;

    private static string ValidName(string name, string field) =>
        name.Length is 0 or > MaxRepositoryNameLength ? throw new WebhookPayloadException($"'{field}' must be 1 to {MaxRepositoryNameLength} characters (GitHub's limit)")
        : name.AsSpan().ContainsAnyExcept(NameCharacters) || name is "." or ".." ? throw new WebhookPayloadException($"'{field}' has characters GitHub does not allow in a repository name")
        : name;

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
