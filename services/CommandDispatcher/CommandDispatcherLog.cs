namespace Agentic.CommandDispatcher;

/// <summary>The Command Dispatcher's log messages: ids, counts and outcomes, never diffs, prompts or file contents.</summary>
internal static partial class CommandDispatcherLog
{
    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: dispatching {Command} (attempt {Attempt})")]
    public static partial void Dispatched(ILogger logger, Guid workflowId, string command, int attempt);

    [LoggerMessage(2, LogLevel.Warning, "Workflow {WorkflowId}: no command: {Reason}")]
    public static partial void Rejected(ILogger logger, Guid workflowId, string reason);

    [LoggerMessage(3, LogLevel.Information, "Workflow {WorkflowId}: {Shown} of {Named} named file(s) shown to the model ({Chars} characters)")]
    public static partial void FilesFetched(ILogger logger, Guid workflowId, int shown, int named, int chars);

    [LoggerMessage(4, LogLevel.Information, "Workflow {WorkflowId}: attempt {Attempt}: {Model} answered ({InputTokens} tokens in, {OutputTokens} out, ${CostUsd})")]
    public static partial void ModelAnswered(ILogger logger, Guid workflowId, int attempt, string? model, int inputTokens, int outputTokens, decimal costUsd);

    [LoggerMessage(5, LogLevel.Warning, "Workflow {WorkflowId}: attempt {Attempt}: the model could not be asked ({Error})")]
    public static partial void ModelFailed(ILogger logger, Guid workflowId, int attempt, string error);

    [LoggerMessage(6, LogLevel.Information, "Workflow {WorkflowId}: attempt {Attempt}: proposed diff of {Bytes} bytes accepted for apply-diff")]
    public static partial void DiffAccepted(ILogger logger, Guid workflowId, int attempt, int bytes);

    [LoggerMessage(7, LogLevel.Information, "Workflow {WorkflowId}: attempt {Attempt} is being dispatched already; the repeated request is dropped")]
    public static partial void AlreadyDispatching(ILogger logger, Guid workflowId, int attempt);

    [LoggerMessage(8, LogLevel.Information, "Workflow {WorkflowId}: {Ecosystem} registry asked for a package's versions: {Versions} found ({Outcome})")]
    public static partial void VersionsLookedUp(ILogger logger, Guid workflowId, Registries.PackageEcosystem ecosystem, int versions, string outcome);
}
