using System.Globalization;
using Agentic.Patches;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.RepositoryConfig;

/// <summary>
/// <c>.github/agentic.yml</c>, read from the default branch (so a pull request cannot loosen its own rules):
/// <code>
/// auto_fix: true              # false: report the diagnosis, never change code
/// max_attempts: 3             # fix attempts per head SHA and failing check (1-10)
/// budget_usd: 0.50            # LLM spend per workflow
/// push: direct                # direct (commit to the PR branch) | pull_request (open a fix PR against it)
/// build: dotnet build         # validation commands: a command string, an argv list, or a list of commands
/// test: [dotnet, test]        #   (strings or argv lists); an empty value declares none (nothing is detected)
/// lint: npm run lint
/// protected_paths: [ "deploy/**", "*.pem" ]
/// allow_paths: [ "docs/CODEOWNERS" ]   # default-protected paths fixes may touch (never .github/workflows, .github/actions, .git)
/// fork_pull_requests: report  # report (diagnose, never push to a fork's branch) | push
/// setup: [npm ci]             # install commands run with registry-only network before anything else (default: detected)
/// env: { DOTNET_ROLL_FORWARD: Major }   # non-secret variables for every command (no LD_*, *PATH, proxies, caches)
/// allow_lifecycle_scripts: false        # true: npm/yarn/pnpm install scripts run during setup
/// timeouts: { setup: 10m, test: 900 }   # per kind (setup, build, test, lint): seconds, or 90s / 10m / 1h
/// </code>
/// Invalid files are not ignored: <see cref="Parse"/> returns every problem with its line.
/// </summary>
public sealed record AgenticYaml
{
    public const string Path = ".github/agentic.yml";

    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "auto_fix", "max_attempts", "budget_usd", "push", "build", "test", "lint", "protected_paths", "allow_paths", "fork_pull_requests",
        "setup", "env", "allow_lifecycle_scripts", "timeouts",
    };

    /// <summary>The kinds <c>timeouts</c> may name.</summary>
    public static IReadOnlySet<string> TimeoutKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "setup", "build", "test", "lint" };

    /// <summary>The longest timeout a repository may ask for.</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromHours(1);

    public static AgenticYaml Default { get; } = new();

    public bool AutoFix { get; init; } = true;

    public int? MaxAttempts { get; init; }

    public decimal? BudgetUsd { get; init; }

    /// <summary>True: open a fix pull request against the PR branch instead of pushing to it.</summary>
    public bool OpenPullRequest { get; init; }

    /// <summary>Validation commands by kind (build, test, lint) as argv lists; absent kinds are detected by the Executor.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> Commands { get; init; } =
        new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>();

    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>
    /// Globs that open paths <see cref="ProtectedFiles"/> protects by default (CODEOWNERS, build imports, lockfiles...);
    /// never <c>.git</c>, <c>.github/workflows</c>, <c>.github/actions</c> or this file.
    /// </summary>
    public IReadOnlyList<string> AllowPaths { get; init; } = [];

    /// <summary>True (<c>fork_pull_requests: push</c>): fixes are pushed to a fork's pull request too; false: diagnose and report.</summary>
    public bool PushToForks { get; init; }

    /// <summary>Setup (install) commands as argv lists; null: detected per ecosystem; empty: none.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Setup { get; init; }

    /// <summary>Non-secret variables for every sandboxed command, names and values checked by <see cref="RepositoryEnvironment"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>True: package managers run install (lifecycle) scripts during setup; false (default): they are turned off.</summary>
    public bool AllowLifecycleScripts { get; init; }

    /// <summary>Time per command by kind (setup, build, test, lint); absent kinds use the Executor's settings.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Timeouts { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>The configuration, or the problems that make it invalid (never both).</summary>
    public static (AgenticYaml? Config, IReadOnlyList<string> Problems) Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return (null, [$"{Path} line {e.Start.Line}: not valid YAML: {e.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return (Default, []);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, [$"{Path}: the document must be a mapping of keys to values"]);
        }

        var problems = new List<string>();
        var config = Default;
        var commands = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var where = $"{Path} line {keyNode.Start.Line}";
            switch (key)
            {
                case "auto_fix":
                    if (Scalar(value) is "true" or "false" && bool.TryParse(Scalar(value), out var autoFix))
                    {
                        config = config with { AutoFix = autoFix };
                    }
                    else
                    {
                        problems.Add($"{where}: 'auto_fix' must be true or false");
                    }

                    break;
                case "max_attempts":
                    if (int.TryParse(Scalar(value), NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) && attempts is >= 1 and <= 10)
                    {
                        config = config with { MaxAttempts = attempts };
                    }
                    else
                    {
                        problems.Add($"{where}: 'max_attempts' must be a whole number from 1 to 10");
                    }

                    break;
                case "budget_usd":
                    if (decimal.TryParse(Scalar(value), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var budget) && budget <= 100m)
                    {
                        config = config with { BudgetUsd = budget };
                    }
                    else
                    {
                        problems.Add($"{where}: 'budget_usd' must be a number from 0 to 100");
                    }

                    break;
                case "push":
                    switch (Scalar(value))
                    {
                        case "direct":
                            config = config with { OpenPullRequest = false };
                            break;
                        case "pull_request":
                            config = config with { OpenPullRequest = true };
                            break;
                        default:
                            problems.Add($"{where}: 'push' must be 'direct' or 'pull_request'");
                            break;
                    }

                    break;
                case "build" or "test" or "lint":
                    try
                    {
                        commands[key] = ReadCommands(value);
                    }
                    catch (FormatException e)
                    {
                        problems.Add($"{where}: '{key}' must be a command string, an argv list, or a list of commands (no shell operators): {e.Message}");
                    }

                    break;
                case "protected_paths":
                    if (value is YamlSequenceNode globs && globs.Children.All(c => !string.IsNullOrWhiteSpace(Scalar(c))))
                    {
                        config = config with { ProtectedPaths = [.. globs.Children.Select(c => Scalar(c)!)] };
                    }
                    else if (Scalar(value) is { } single && !string.IsNullOrWhiteSpace(single))
                    {
                        config = config with { ProtectedPaths = [single] };
                    }
                    else
                    {
                        problems.Add($"{where}: 'protected_paths' must be a list of path globs");
                    }

                    break;
                case "allow_paths":
                    if (value is YamlSequenceNode allowed && allowed.Children.All(c => Scalar(c) is not null))
                    {
                        var globProblems = allowed.Children
                            .Select(c => ProtectedFiles.AllowPathProblem(Scalar(c)!) is { } problem ? $"{Path} line {c.Start.Line}: 'allow_paths': {problem}" : null)
                            .OfType<string>()
                            .ToList();
                        problems.AddRange(globProblems);
                        config = config with { AllowPaths = [.. allowed.Children.Select(c => Scalar(c)!)] };
                    }
                    else if (value is YamlScalarNode { Value: null or "" })
                    {
                        config = config with { AllowPaths = [] };
                    }
                    else if (Scalar(value) is { } single && ProtectedFiles.AllowPathProblem(single) is { } problem)
                    {
                        problems.Add($"{where}: 'allow_paths': {problem}");
                    }
                    else if (Scalar(value) is { } glob)
                    {
                        config = config with { AllowPaths = [glob] };
                    }
                    else
                    {
                        problems.Add($"{where}: 'allow_paths' must be a list of path globs");
                    }

                    break;
                case "fork_pull_requests":
                    switch (Scalar(value))
                    {
                        case "report":
                            config = config with { PushToForks = false };
                            break;
                        case "push":
                            config = config with { PushToForks = true };
                            break;
                        default:
                            problems.Add($"{where}: 'fork_pull_requests' must be 'report' or 'push'");
                            break;
                    }

                    break;
                case "setup":
                    try
                    {
                        config = config with { Setup = ReadCommands(value) };
                    }
                    catch (FormatException e)
                    {
                        problems.Add($"{where}: 'setup' must be a command string, an argv list, or a list of commands (no shell operators): {e.Message}");
                    }

                    break;
                case "env":
                    if (value is YamlMappingNode variables)
                    {
                        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var (nameNode, valueNode) in variables.Children)
                        {
                            var name = Scalar(nameNode) ?? string.Empty;
                            if (Scalar(valueNode) is not { } text)
                            {
                                problems.Add($"{Path} line {nameNode.Start.Line}: 'env': the value of '{name}' must be a plain value");
                            }
                            else if (RepositoryEnvironment.Problem(name, text) is { } problem)
                            {
                                problems.Add($"{Path} line {nameNode.Start.Line}: 'env': {problem}");
                            }
                            else
                            {
                                environment[name] = text;
                            }
                        }

                        config = config with { Environment = environment };
                    }
                    else
                    {
                        problems.Add($"{where}: 'env' must be a mapping of variable names to values");
                    }

                    break;
                case "allow_lifecycle_scripts":
                    if (Scalar(value) is "true" or "false")
                    {
                        config = config with { AllowLifecycleScripts = Scalar(value) == "true" };
                    }
                    else
                    {
                        problems.Add($"{where}: 'allow_lifecycle_scripts' must be true or false");
                    }

                    break;
                case "timeouts":
                    if (value is YamlMappingNode timeouts)
                    {
                        var parsed = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
                        foreach (var (kindNode, durationNode) in timeouts.Children)
                        {
                            var kind = Scalar(kindNode) ?? string.Empty;
                            if (!TimeoutKinds.Contains(kind))
                            {
                                problems.Add($"{Path} line {kindNode.Start.Line}: 'timeouts': unknown kind '{kind}' (known: setup, build, test, lint)");
                            }
                            else if (ParseDuration(Scalar(durationNode)) is { } duration && duration > TimeSpan.Zero && duration <= MaxTimeout)
                            {
                                parsed[kind] = duration;
                            }
                            else
                            {
                                problems.Add($"{Path} line {kindNode.Start.Line}: 'timeouts': '{kind}' must be seconds or a duration such as 90s, 10m or 1h, at most 1h");
                            }
                        }

                        config = config with { Timeouts = parsed };
                    }
                    else
                    {
                        problems.Add($"{where}: 'timeouts' must be a mapping of kinds (setup, build, test, lint) to durations");
                    }

                    break;
                default:
                    problems.Add($"{where}: unknown key '{key}' (known: {string.Join(", ", Keys.Order(StringComparer.Ordinal))})");
                    break;
            }
        }

        return problems.Count > 0 ? (null, problems) : (config with { Commands = commands }, []);
    }

    private static string? Scalar(YamlNode node) => (node as YamlScalarNode)?.Value;

    /// <summary>Whole seconds (<c>900</c>) or a number with a unit (<c>90s</c>, <c>10m</c>, <c>1h</c>); null otherwise.</summary>
    internal static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var digits = unit == 0 ? text : text[..^1];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= 86_400
            ? TimeSpan.FromSeconds((long)amount * (unit == 0 ? 1 : unit))
            : null;
    }

    /// <summary>
    /// argv lists from a command string, an argv list (scalars, not all of them whole command lines), or a list of
    /// commands each a string or an argv list; none for an empty value. A <see cref="FormatException"/> says what is wrong.
    /// </summary>
    private static List<IReadOnlyList<string>> ReadCommands(YamlNode node) => node switch
    {
        YamlScalarNode { Value: null or "" } => [],
        YamlScalarNode scalar => [CommandLine.Split(scalar.Value!)],
        YamlSequenceNode argv when argv.Children.Count > 0 && argv.Children.All(c => c is YamlScalarNode)
                                   && !argv.Children.All(c => Scalar(c)?.Contains(' ', StringComparison.Ordinal) == true) => [Argv(argv)],
        YamlSequenceNode list => [.. list.Children.Select(c => c switch
        {
            YamlScalarNode { Value.Length: > 0 } line => CommandLine.Split(line.Value!),
            YamlSequenceNode argv when argv.Children.Count > 0 && argv.Children.All(a => a is YamlScalarNode) => Argv(argv),
            _ => throw new FormatException($"the item on line {c.Start.Line} is neither a command string nor an argv list"),
        })],
        _ => throw new FormatException("a mapping is not a command"),
    };

    private static List<string> Argv(YamlSequenceNode argv) => [.. argv.Children.Select(c => Scalar(c) ?? string.Empty)];
}
