namespace Agentic.Contracts.Common;

/// <summary>Where the outcome of a request is reported: the channel it came from.</summary>
public sealed record ReplyTarget
{
    public required RequestSource Source { get; init; }

    /// <summary>GitHub: "owner/name#number"; Slack: channel id; Linear: issue id.</summary>
    public required string Address { get; init; }

    /// <summary>Slack thread ts or a GitHub comment id to update in place, when known.</summary>
    public string? ThreadId { get; init; }
}
