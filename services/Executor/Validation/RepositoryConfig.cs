using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.Executor.Validation;

/// <summary>
/// What the executor reads from <c>.github/agentic.yml</c> (on the default branch, so a pull request cannot loosen its
/// own rules): <c>build</c>, <c>test</c>, <c>lint</c> (an argv list, a command string, or a list of either) and
/// <c>protected_paths</c> (globs). Other keys belong to other services and are ignored here.
/// </summary>
public sealed record RepositoryConfig
{
    public const string Path = ".github/agentic.yml";

    public static RepositoryConfig Empty { get; } = new();

    /// <summary>Validation commands by kind (build, test, lint); absent kinds are detected.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> Commands { get; init; } = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>();

    public IReadOnlyList<PathGlob> ProtectedPaths { get; init; } = [];

    public static RepositoryConfig Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new RepositoryConfigException($"{Path}: {e.Message} (line {e.Start.Line})");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Empty;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RepositoryConfigException($"{Path}: the document must be a mapping of keys to values.");
        }

        var commands = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>(StringComparer.Ordinal);
        var globs = new List<PathGlob>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            switch (key)
            {
                case "build" or "test" or "lint":
                    commands[key] = ReadCommands(key, value);
                    break;
                case "protected_paths":
                    globs.AddRange(ReadStrings(key, value).Select(p => new PathGlob(p)));
                    break;
                default:
                    break;
            }
        }

        return new RepositoryConfig { Commands = commands, ProtectedPaths = globs };
    }

    private static List<IReadOnlyList<string>> ReadCommands(string key, YamlNode node)
    {
        try
        {
            return node switch
            {
                YamlScalarNode { Value: null or "" } => [],
                YamlScalarNode scalar => [CommandLine.Split(scalar.Value!)],
                YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode) =>
                    // An argv list, unless every item looks like a whole command line of its own.
                    sequence.Children.Count > 1 && sequence.Children.All(c => ((YamlScalarNode)c).Value?.Contains(' ', StringComparison.Ordinal) == true)
                        ? [.. sequence.Children.Select(c => CommandLine.Split(((YamlScalarNode)c).Value!))]
                        : [sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList()],
                YamlSequenceNode sequence => [.. sequence.Children.Select(c => c switch
                {
                    YamlScalarNode s => CommandLine.Split(s.Value ?? ""),
                    YamlSequenceNode argv when argv.Children.All(a => a is YamlScalarNode) => argv.Children.Select(a => ((YamlScalarNode)a).Value ?? "").ToList(),
                    _ => throw new RepositoryConfigException($"{Path}: '{key}' items must be command strings or argv lists (line {c.Start.Line})."),
                })],
                _ => throw new RepositoryConfigException($"{Path}: '{key}' must be a command string or an argv list (line {node.Start.Line})."),
            };
        }
        catch (FormatException e)
        {
            throw new RepositoryConfigException($"{Path}: '{key}': {e.Message}");
        }
    }

    private static List<string> ReadStrings(string key, YamlNode node) => node switch
    {
        YamlScalarNode { Value: { Length: > 0 } value } => [value],
        YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }) =>
            [.. sequence.Children.Select(c => ((YamlScalarNode)c).Value!)],
        _ => throw new RepositoryConfigException($"{Path}: '{key}' must be a list of path globs (line {node.Start.Line})."),
    };
}

/// <summary><c>.github/agentic.yml</c> is invalid; the message names the problem.</summary>
public sealed class RepositoryConfigException(string message) : Exception(message);
