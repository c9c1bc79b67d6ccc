namespace Agentic.Executor.Commands;

/// <summary>Changes nothing: the executor only runs the repository's validation at the head (answers NoChange with the evidence).</summary>
public sealed class ValidateCommand : ILibraryCommand
{
    public string Name => "validate";

    public string? ValidateArguments(IReadOnlyDictionary<string, string> arguments) => ArgumentRules.OnlyKeys(arguments);

    public Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken) => Task.FromResult(new CommandRunResult(CommandStatus.Ran));
}
