using System.Text.Json;

namespace Agentic.GitHub.Tests.Infrastructure;

/// <summary>
/// Response examples from GitHub's official REST OpenAPI description (npm <c>@octokit/openapi</c>, installed into
/// tests/fixtures by tests/run.sh). The 13 MB document is parsed once, on first use.
/// </summary>
internal static class OpenApiExamples
{
    private static readonly Lazy<Description> Loaded = new(Load);

    public static string FilePath => System.IO.Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "node_modules", "@octokit", "openapi", "generated", "api.github.com.json");

    /// <summary>The example answer of an operation (by operationId) for a status, as raw JSON.</summary>
    public static string Response(string operationId, string status = "200", string? exampleName = null)
    {
        var description = Loaded.Value;
        if (!description.Operations.TryGetValue(operationId, out var operation))
        {
            throw new KeyNotFoundException($"GitHub's OpenAPI description has no operation '{operationId}'.");
        }

        var examples = operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("examples");
        var example = exampleName is null ? examples.EnumerateObject().First().Value : examples.GetProperty(exampleName);
        if (example.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/examples/".Length..];
            example = description.Root.GetProperty("components").GetProperty("examples").GetProperty(name);
        }

        return example.GetProperty("value").GetRawText();
    }

    private static Description Load()
    {
        if (!File.Exists(FilePath))
        {
            throw new FileNotFoundException($"GitHub's OpenAPI description is missing: run 'npm ci' in tests/fixtures (tests/run.sh does).", FilePath);
        }

        using var stream = File.OpenRead(FilePath);
        var root = JsonDocument.Parse(stream).RootElement;
        var operations = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Value.ValueKind == JsonValueKind.Object && method.Value.TryGetProperty("operationId", out var id))
                {
                    operations[id.GetString()!] = method.Value;
                }
            }
        }

        return new Description(root, operations);
    }

    private sealed record Description(JsonElement Root, Dictionary<string, JsonElement> Operations);
}
