using System.Text.Json;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Commands;

/// <summary>
/// A formatter or linter fixer the repository itself declares in package.json and has installed in node_modules; the
/// local binary runs offline (nothing is installed). Argument <c>paths</c>: space-separated repository paths (default: <c>.</c>).
/// </summary>
public abstract class NodeFixerCommand(SandboxRunner sandbox, string package, string binary, IReadOnlyList<string> fixArguments, params int[] acceptableExitCodes) : ILibraryCommand
{
    public abstract string Name { get; }

    public bool AllowsNetwork => false;

    public string? ValidateArguments(IReadOnlyDictionary<string, string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return ArgumentRules.OnlyKeys(arguments, "paths")
            ?? (arguments.TryGetValue("paths", out var paths) ? Paths(paths).Select(ArgumentRules.RepositoryPath).FirstOrDefault(e => e is not null) : null);
    }

    public async Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var local = $"node_modules/.bin/{binary}";
        if (!Declares(Path.Combine(context.Workspace, "package.json"), package) || !File.Exists(Path.Combine(context.Workspace, local)))
        {
            return new(CommandStatus.NotApplicable, $"the repository does not declare and install {package}");
        }

        var paths = context.Arguments.TryGetValue("paths", out var given) ? Paths(given) : ["."];
        if (paths.Any(p => ArgumentRules.CrossesSymlink(context.Workspace, p)))
        {
            return new(CommandStatus.Refused, "a path crosses a symbolic link");
        }

        var result = await sandbox.RunAsync(new SandboxRequest
        {
            Workspace = context.Workspace,
            Arguments = [local, .. fixArguments, "--", .. paths],
            Timeout = context.Timeout,
            AllowNetwork = AllowsNetwork,
            ReadOnlyPaths = context.ReadOnlyPaths,
        }, cancellationToken);
        return CommandRunResult.From(result, acceptableExitCodes);
    }

    private static readonly string[] DependencySections = ["devDependencies", "dependencies"];

    private static string[] Paths(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool Declares(string packageJson, string package)
    {
        if (!File.Exists(packageJson))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            return DependencySections.Any(section =>
                document.RootElement.TryGetProperty(section, out var deps) && deps.ValueKind == JsonValueKind.Object && deps.TryGetProperty(package, out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary><c>prettier --write</c>.</summary>
public sealed class PrettierWriteCommand(SandboxRunner sandbox) : NodeFixerCommand(sandbox, "prettier", "prettier", ["--write", "--no-error-on-unmatched-pattern"])
{
    public override string Name => "prettier-write";
}

/// <summary><c>eslint --fix</c>; exit 1 (problems left that it cannot fix) still counts as a run.</summary>
public sealed class EslintFixCommand(SandboxRunner sandbox) : NodeFixerCommand(sandbox, "eslint", "eslint", ["--fix"], 1)
{
    public override string Name => "eslint-fix";
}
