using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.Executor.Reproduction;

/// <summary>
/// The parts of a GitHub Actions workflow file a reproduction needs: the workflow's and each job's <c>env</c> and
/// <c>defaults.run</c>, each job's name, matrix and steps. Read with YamlDotNet's representation model; anything else
/// in the file is ignored. The file is the repository's (untrusted): this only reads it, nothing in it is evaluated.
/// </summary>
public sealed record GitHubWorkflow(
    IReadOnlyList<KeyValuePair<string, string>> Env,
    RunDefaults Defaults,
    IReadOnlyList<WorkflowJob> Jobs)
{
    /// <summary>Larger workflow files are not read (real ones are a few KB).</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>The workflow, or null with the reason it could not be read.</summary>
    public static (GitHubWorkflow? Workflow, string? Problem) Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return (null, $"not valid YAML (line {e.Start.Line}): {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, "not a workflow (the document is not a mapping)");
        }

        if (Child(root, "jobs") is not YamlMappingNode jobsNode)
        {
            return (null, "the workflow has no jobs");
        }

        var jobs = new List<WorkflowJob>();
        foreach (var (key, value) in jobsNode.Children)
        {
            if (key is YamlScalarNode { Value: { Length: > 0 } id } && value is YamlMappingNode job)
            {
                jobs.Add(ParseJob(id, job));
            }
        }

        return (new GitHubWorkflow(Map(Child(root, "env")), ParseDefaults(root), jobs), null);
    }

    private static WorkflowJob ParseJob(string id, YamlMappingNode job)
    {
        var steps = new List<WorkflowStep>();
        if (Child(job, "steps") is YamlSequenceNode sequence)
        {
            foreach (var node in sequence.Children.OfType<YamlMappingNode>())
            {
                steps.Add(new WorkflowStep(
                    Name: Scalar(Child(node, "name")),
                    Uses: Scalar(Child(node, "uses")),
                    Run: Scalar(Child(node, "run")),
                    Shell: Scalar(Child(node, "shell")),
                    WorkingDirectory: Scalar(Child(node, "working-directory")),
                    Env: Map(Child(node, "env")),
                    With: Map(Child(node, "with"))));
            }
        }

        var strategy = Child(job, "strategy") as YamlMappingNode;
        return new WorkflowJob(
            Id: id,
            Name: Scalar(Child(job, "name")),
            Env: Map(Child(job, "env")),
            Defaults: ParseDefaults(job),
            Matrix: strategy is null ? [] : MatrixExpansion.Expand(Child(strategy, "matrix")),
            HasMatrix: strategy is not null && Child(strategy, "matrix") is not null,
            UsesReusableWorkflow: Scalar(Child(job, "uses")) is not null,
            Steps: steps);
    }

    private static RunDefaults ParseDefaults(YamlMappingNode node) =>
        Child(node, "defaults") is YamlMappingNode defaults && Child(defaults, "run") is YamlMappingNode run
            ? new RunDefaults(Scalar(Child(run, "shell")), Scalar(Child(run, "working-directory")))
            : new RunDefaults(null, null);

    internal static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static string? Scalar(YamlNode? node) => node is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>A mapping of scalars in file order (later keys win when read into a dictionary); other values are skipped.</summary>
    private static List<KeyValuePair<string, string>> Map(YamlNode? node)
    {
        var map = new List<KeyValuePair<string, string>>();
        if (node is YamlMappingNode mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (key is YamlScalarNode { Value: { Length: > 0 } name } && value is YamlScalarNode { Value: { } text })
                {
                    map.Add(new(name, text));
                }
            }
        }

        return map;
    }
}

/// <summary><c>defaults.run</c> of a workflow or a job.</summary>
public sealed record RunDefaults(string? Shell, string? WorkingDirectory);

/// <summary>
/// One job. <see cref="Matrix"/> holds its expanded combinations (empty without a matrix); each combination keeps the
/// matrix keys in the file's order, which is the order GitHub lists the values in a default job name.
/// </summary>
public sealed record WorkflowJob(
    string Id,
    string? Name,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    RunDefaults Defaults,
    IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Matrix,
    bool HasMatrix,
    bool UsesReusableWorkflow,
    IReadOnlyList<WorkflowStep> Steps);

/// <summary>One step: a <c>uses:</c> action or a <c>run:</c> script.</summary>
public sealed record WorkflowStep(
    string? Name,
    string? Uses,
    string? Run,
    string? Shell,
    string? WorkingDirectory,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    IReadOnlyList<KeyValuePair<string, string>> With)
{
    /// <summary>The name GitHub shows: the step's <c>name:</c>, else <c>Run {first line}</c> or <c>Run {action}</c>.</summary>
    public string DisplayName => Name is { Length: > 0 } name ? name : Run is not null ? "Run " + FirstLine(Run) : "Run " + Uses;

    public static string FirstLine(string script) =>
        script.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty;
}

/// <summary>
/// A job's <c>strategy.matrix</c> as GitHub expands it: the cross product of the list-valued keys, less the
/// <c>exclude</c> entries, then each <c>include</c> entry added to every combination it does not contradict or, when it
/// fits none, as a combination of its own. Values that are not scalars (objects) are written as an empty string; a
/// matrix given as an expression (<c>fromJSON(...)</c>) has no combinations here.
/// </summary>
public static class MatrixExpansion
{
    private const int MaxCombinations = 256;

    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Expand(YamlNode? node)
    {
        if (node is not YamlMappingNode matrix)
        {
            return [];
        }

        var combinations = new List<List<KeyValuePair<string, string>>> { new() };
        var include = new List<List<KeyValuePair<string, string>>>();
        var exclude = new List<List<KeyValuePair<string, string>>>();
        foreach (var (keyNode, value) in matrix.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key is null)
            {
                continue;
            }

            if (key is "include" or "exclude")
            {
                var entries = key == "include" ? include : exclude;
                if (value is YamlSequenceNode list)
                {
                    entries.AddRange(list.Children.OfType<YamlMappingNode>().Select(Entry));
                }

                continue;
            }

            if (value is not YamlSequenceNode values)
            {
                continue;
            }

            var next = new List<List<KeyValuePair<string, string>>>();
            foreach (var combination in combinations)
            {
                foreach (var item in values.Children)
                {
                    if (next.Count < MaxCombinations)
                    {
                        next.Add([.. combination, new(key, Text(item))]);
                    }
                }
            }

            combinations = next;
        }

        var original = combinations.Count == 1 && combinations[0].Count == 0 ? [] : combinations;
        var keys = original.Count > 0 ? original[0].Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : [];
        var result = original.Where(c => !exclude.Any(e => e.All(p => c.Any(q => q.Key == p.Key && q.Value == p.Value)))).ToList();
        foreach (var entry in include)
        {
            var matched = false;
            foreach (var combination in result.Where(c => original.Contains(c)).ToList())
            {
                // An include entry extends a combination when its values for the original keys agree with it.
                if (entry.Where(p => keys.Contains(p.Key)).All(p => combination.Any(q => q.Key == p.Key && q.Value == p.Value)))
                {
                    foreach (var pair in entry.Where(p => !keys.Contains(p.Key)))
                    {
                        combination.RemoveAll(q => q.Key == pair.Key);
                        combination.Add(pair);
                    }

                    matched = true;
                }
            }

            if (!matched)
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private static List<KeyValuePair<string, string>> Entry(YamlMappingNode node) =>
        [.. node.Children.Where(p => p.Key is YamlScalarNode { Value: not null }).Select(p => new KeyValuePair<string, string>(((YamlScalarNode)p.Key).Value!, Text(p.Value)))];

    private static string Text(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : string.Empty;
}
