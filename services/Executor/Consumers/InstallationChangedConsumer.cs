using Agentic.Contracts.Ingress;
using Agentic.Executor.Workspaces;
using MassTransit;

namespace Agentic.Executor.Consumers;

/// <summary>
/// Deletes the mirrors the Executor keeps for repositories it may no longer read: every mirror of an installation that
/// was deleted, and the mirrors of repositories removed from one. Idempotent (a mirror that is gone stays gone).
/// </summary>
public sealed partial class InstallationChangedConsumer(WorkspaceManager workspaces, ILogger<InstallationChangedConsumer> logger) : IConsumer<InstallationChanged>
{
    public async Task Consume(ConsumeContext<InstallationChanged> context)
    {
        var message = context.Message;
        var deleted = message.Action == "deleted"
            ? await workspaces.DeleteInstallationMirrorsAsync(message.InstallationId, context.CancellationToken)
            : await workspaces.DeleteMirrorsAsync(message.InstallationId, message.RepositoriesRemoved.Select(r => r.RepositoryId), context.CancellationToken);
        if (deleted > 0)
        {
            LogDeleted(logger, message.InstallationId, message.Action, deleted);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Installation {InstallationId} {Action}: {Count} repository mirror(s) deleted")]
    private static partial void LogDeleted(ILogger logger, long installationId, string action, int count);
}
