namespace Agentic.Contracts.Common;

/// <summary>Where a request or event entered the system.</summary>
public enum RequestSource
{
    GitHub = 0,
    Slack = 1,
    Linear = 2,
    Reconciliation = 3,
}
