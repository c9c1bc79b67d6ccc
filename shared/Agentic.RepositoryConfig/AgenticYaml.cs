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
/// </code>
/// Invalid files are not ignored: <see cref="Parse"/> returns every problem with its line.
/// </summary>
public sealed record AgenticYaml
{
    public const string Path = ".github/agentic.yml";

    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "auto_fix", "max_attempts", "budget_usd", "push", "build", "test", "lint", "protected_paths", "allow_paths", "fork_pull_requests",
    };

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
                default:
                    problems.Add($"{where}: unknown key '{key}' (known: {string.Join(", ", Keys.Order(StringComparer.Ordinal))})");
                    break;
            }
        }

        return problems.Count > 0 ? (null, problems) : (config with { Commands = commands }, []);
    }

    private static string? Scalar(YamlNode node) => (node as YamlScalarNode)?.Value;

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
