using Agentic.Contracts.Ingress;
using Agentic.Executor.Workspaces;
using MassTransit;

namespace Agentic.Executor.Consumers;

/// <summary>
/// Deletes the mirrors the Executor keeps for repositories it may no longer read: every mirror of an installation that
/// was deleted, the mirrors of repositories removed from one, and the mirror of a repository that was deleted or
/// transferred. Idempotent (a mirror that is gone stays gone; a later fix clones afresh).
/// </summary>
public sealed partial class MirrorCleanupConsumer(WorkspaceManager workspaces, ILogger<MirrorCleanupConsumer> logger)
    : IConsumer<InstallationChanged>, IConsumer<RepositoryChanged>
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

    public async Task Consume(ConsumeContext<RepositoryChanged> context)
    {
        var repository = context.Message.Repository;
        if (await workspaces.DeleteMirrorsAsync(repository.InstallationId, [repository.RepositoryId], context.CancellationToken) > 0)
        {
            LogRepositoryMirrorDeleted(logger, repository.RepositoryId, context.Message.Action);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Installation {InstallationId} {Action}: {Count} repository mirror(s) deleted")]
    private static partial void LogDeleted(ILogger logger, long installationId, string action, int count);

    [LoggerMessage(2, LogLevel.Information, "Repository {RepositoryId} {Action}: its mirror deleted")]
    private static partial void LogRepositoryMirrorDeleted(ILogger logger, long repositoryId, string action);
}
