using System.Text.Json;
using System.Text.RegularExpressions;
using Agentic.RepositoryConfig;

namespace Agentic.Executor.Validation;

/// <summary>One validation command: its kind (build, test, lint), argv and, when the repository sets one, its own time limit.</summary>
public sealed record ValidationCommand(string Kind, IReadOnlyList<string> Arguments, TimeSpan? Timeout = null)
{
    public string CommandLine => RepositoryConfig.CommandLine.Join(Arguments);
}

/// <summary>
/// The repository's own build, test and lint commands: from <c>.github/agentic.yml</c> where declared, otherwise
/// detected per ecosystem (.NET solution or project, package.json scripts, pytest).
/// </summary>
public static partial class ValidationPlanner
{
    private static readonly string[] Kinds = ["build", "test", "lint"];
    private static readonly string[] PythonMarkers = ["pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "conftest.py"];

    /// <summary>
    /// The plan; <paramref name="failedCommand"/> (the failed CI step's command as the log shows it, untrusted) adds that
    /// step when the job could not be reproduced and it runs one of the repository's package scripts
    /// (<c>npm run check</c>, <c>pnpm run lint</c>, <c>yarn test</c>): a fix is then judged by the check that failed, not only
    /// by the detected ones. Only the script's name is taken, and only when <c>package.json</c> declares it.
    /// </summary>
    public static IReadOnlyList<ValidationCommand> Plan(string workspace, AgenticYaml config, string? failedCommand = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var detected = Detect(workspace);
        var plan = new List<ValidationCommand>();
        foreach (var kind in Kinds)
        {
            if (config.Commands.TryGetValue(kind, out var declared))
            {
                plan.AddRange(declared.Select(argv => new ValidationCommand(kind, argv)));
            }
            else
            {
                plan.AddRange(detected.Where(c => c.Kind == kind));
            }
        }

        if (FailedScript(workspace, failedCommand) is { } script && !plan.Any(c => c.Arguments is ["npm", "run", "--silent", var name] && name == script))
        {
            plan.Add(new(Kinds.Contains(script) ? script : "lint", ["npm", "run", "--silent", script]));
        }

        return [.. plan.Select(c => config.Timeouts.TryGetValue(c.Kind, out var limit) ? c with { Timeout = limit } : c)];
    }

    /// <summary>The package script a failed step's command ran (<c>npm test</c>, <c>npm run check</c>), when package.json declares it.</summary>
    internal static string? FailedScript(string workspace, string? command)
    {
        var match = command is null ? null : ScriptCommand().Match(command.Trim());
        if (match is not { Success: true })
        {
            return null;
        }

        var script = match.Groups["script"].Value;
        var packageJson = Path.Combine(workspace, "package.json");
        return File.Exists(packageJson) && NodeScripts(packageJson, [script]).Count == 1 ? script : null;
    }

    [GeneratedRegex(@"^(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+|(?=test$|t$))(?<script>[A-Za-z0-9][\w:.-]{0,99})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ScriptCommand();

    public static IReadOnlyList<ValidationCommand> Detect(string workspace)
    {
        var commands = new List<ValidationCommand>();
        if (DotnetTarget(workspace) is { } target)
        {
            commands.Add(new("build", ["dotnet", "build", target, "--nologo", "-v", "q"]));
            if (HasDotnetTests(workspace))
            {
                commands.Add(new("test", ["dotnet", "test", target, "--nologo", "--no-build", "-v", "q"]));
            }
        }

        var packageJson = Path.Combine(workspace, "package.json");
        if (File.Exists(packageJson))
        {
            foreach (var script in NodeScripts(packageJson))
            {
                commands.Add(new(script, ["npm", "run", "--silent", script]));
            }
        }

        if (PythonMarkers.Any(f => File.Exists(Path.Combine(workspace, f)))
            && (Directory.Exists(Path.Combine(workspace, "tests")) || File.Exists(Path.Combine(workspace, "pytest.ini")) || File.Exists(Path.Combine(workspace, "conftest.py"))))
        {
            commands.Add(new("test", ["python3", "-m", "pytest", "-q"]));
        }

        return commands;
    }

    /// <summary>The root solution, or the only project within two levels, relative to the workspace.</summary>
    public static string? DotnetTarget(string workspace)
    {
        var solutions = Directory.EnumerateFiles(workspace, "*.sln").Concat(Directory.EnumerateFiles(workspace, "*.slnx")).Order(StringComparer.Ordinal).ToList();
        if (solutions.Count > 0)
        {
            return Path.GetFileName(solutions[0]);
        }

        var projects = Directory.EnumerateFiles(workspace, "*.csproj").ToList();
        if (projects.Count == 0)
        {
            projects = [.. Directory.EnumerateDirectories(workspace).Where(d => !Path.GetFileName(d).StartsWith('.')).SelectMany(d => Directory.EnumerateFiles(d, "*.csproj"))];
        }

        return projects.Count == 1 ? Path.GetRelativePath(workspace, projects[0]) : null;
    }

    private static bool HasDotnetTests(string workspace) =>
        EnumerateProjects(workspace).Any(p => File.ReadAllText(p).Contains("Microsoft.NET.Test.Sdk", StringComparison.OrdinalIgnoreCase)
            || Path.GetFileNameWithoutExtension(p).EndsWith("Tests", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> EnumerateProjects(string workspace) =>
        Directory.EnumerateFiles(workspace, "*.csproj", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, AttributesToSkip = FileAttributes.ReparsePoint });

    private static List<string> NodeScripts(string packageJson, IEnumerable<string>? names = null)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            return document.RootElement.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object
                ? [.. (names ?? Kinds).Where(s => scripts.TryGetProperty(s, out var v) && v.ValueKind == JsonValueKind.String)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
