namespace Agentic.Executor.Commands;

/// <summary>
/// <c>format</c>: every formatter and lint fixer the repository itself uses, in turn (dotnet format, prettier,
/// eslint --fix), so the dispatcher can ask for "format this" without knowing the ecosystem. No arguments.
/// </summary>
public sealed class FormatCommand(DotnetFormatCommand dotnet, PrettierWriteCommand prettier, EslintFixCommand eslint) : ILibraryCommand
{
    public string Name => "format";

    public bool AllowsNetwork => false;

    public string? ValidateArguments(IReadOnlyDictionary<string, string> arguments) =>
        ArgumentRules.OnlyKeys(arguments);

    public async Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        CommandRunResult? last = null;
        foreach (var fixer in new ILibraryCommand[] { dotnet, prettier, eslint })
        {
            var result = await fixer.RunAsync(context, cancellationToken);
            if (result.Status == CommandStatus.NotApplicable)
            {
                continue;
            }

            if (result.Status != CommandStatus.Ran)
            {
                return result;
            }

            last = result;
        }

        return last ?? new CommandRunResult(CommandStatus.NotApplicable, "the repository uses no formatter Agentic knows (dotnet format, prettier, eslint)");
    }
}
