namespace Agentic.Contracts.Ingress;

/// <summary>Someone asked the agent for something: an '/agentic ...' or '@agentic ...' comment on GitHub, a Slack mention or slash command, a Linear issue assignment. The text is untrusted; the Command Dispatcher validates it.</summary>
public sealed record AgentRequestReceived
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RequestSource Source { get; init; }

    /// <summary>The parsed verb ("fix", "review", "test", "explain" ...), lower case; "unknown" when none was recognised.</summary>
    public required string Verb { get; init; }

    /// <summary>The rest of the request, verbatim and untrusted.</summary>
    public required string Text { get; init; }

    /// <summary>The requester's login or user id at the source.</summary>
    public required string Requester { get; init; }

    /// <summary>GitHub author_association; None for Slack and Linear, whose users are mapped by configuration.</summary>
    public required AuthorAssociation Association { get; init; }

    /// <summary>The repository the request concerns, when the source names one.</summary>
    public RepositoryRef? Repository { get; init; }

    /// <summary>The pull request or issue number the request concerns, when known.</summary>
    public int? IssueNumber { get; init; }
    public required ReplyTarget ReplyTo { get; init; }
}
