using System.Text.Json.Nodes;
using Agentic.Testing;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>GitHub's own webhook examples from npm <c>@octokit/webhooks-examples</c> (installed by tests/run.sh into tests/fixtures).</summary>
public static class WebhookExamples
{
    private static readonly Lazy<JsonArray> All = new(Load);

    public static string FixturesDirectory => Path.Combine(BuildInfo.RepositoryRoot, "tests", "fixtures");

    /// <summary>Every example of an event, optionally only those with the given action.</summary>
    public static IEnumerable<JsonObject> Get(string eventName, string? action = null) =>
        All.Value.OfType<JsonObject>()
            .Where(e => (string?)e["name"] == eventName)
            .SelectMany(e => e["examples"]!.AsArray().OfType<JsonObject>())
            .Where(example => action is null || (string?)example["action"] == action)
            .Select(example => (JsonObject)example.DeepClone());

    private static JsonArray Load()
    {
        var path = Path.Combine(FixturesDirectory, "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"GitHub webhook examples are missing: run 'npm ci' in {FixturesDirectory} (tests/run.sh does).", path);
        }

        return JsonNode.Parse(File.ReadAllText(path))!.AsArray();
    }
}
