using Agentic.Executor.Sandbox;
using Agentic.Executor.Validation;

namespace Agentic.Executor.Commands;

/// <summary>
/// <c>dotnet format whitespace|style</c> on the repository's solution or project (argument <c>target</c>, else the one
/// at the root), offline. Arguments: <c>mode</c> = whitespace (default) or style; <c>target</c>; <c>severity</c> for style.
/// </summary>
public sealed class DotnetFormatCommand(SandboxRunner sandbox) : ILibraryCommand
{
    public string Name => "dotnet-format";

    public bool AllowsNetwork => false;

    public string? ValidateArguments(IReadOnlyDictionary<string, string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (ArgumentRules.OnlyKeys(arguments, "mode", "target", "severity") is { } unknown)
        {
            return unknown;
        }

        if (arguments.TryGetValue("mode", out var mode) && mode is not ("whitespace" or "style"))
        {
            return "mode must be whitespace or style";
        }

        if (arguments.TryGetValue("severity", out var severity) && severity is not ("info" or "warn" or "error"))
        {
            return "severity must be info, warn or error";
        }

        if (arguments.TryGetValue("target", out var target))
        {
            return ArgumentRules.RepositoryPath(target)
                ?? (target.EndsWith(".sln", StringComparison.Ordinal) || target.EndsWith(".slnx", StringComparison.Ordinal) || target.EndsWith(".csproj", StringComparison.Ordinal)
                    ? null
                    : "target must be a .sln, .slnx or .csproj file");
        }

        return null;
    }

    public async Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var mode = context.Arguments.GetValueOrDefault("mode", "whitespace");
        var target = context.Arguments.GetValueOrDefault("target") ?? ValidationPlanner.DotnetTarget(context.Workspace);
        if (target is null || !File.Exists(Path.Combine(context.Workspace, target)) || ArgumentRules.CrossesSymlink(context.Workspace, target))
        {
            return new(CommandStatus.NotApplicable, "no .NET solution or project to format");
        }

        List<string> argv = ["dotnet", "format", mode, target, "--verbosity", "minimal"];
        if (mode == "style")
        {
            argv.AddRange(["--severity", context.Arguments.GetValueOrDefault("severity", "warn")]);
        }

        var result = await sandbox.RunAsync(new SandboxRequest
        {
            Workspace = context.Workspace,
            Arguments = argv,
            Timeout = context.Timeout,
            AllowNetwork = AllowsNetwork,
            ReadOnlyPaths = context.ReadOnlyPaths,
        }, cancellationToken);
        return CommandRunResult.From(result);
    }
}
