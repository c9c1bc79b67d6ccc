using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>Signs bodies with GitHub's own library, npm <c>@octokit/webhooks-methods</c> (tests/fixtures/sign-github.mjs).</summary>
public static class GitHubSigner
{
    public static async Task<IReadOnlyList<string>> SignAsync(string secret, IReadOnlyList<byte[]> bodies)
    {
        var input = JsonSerializer.Serialize(bodies.Select(b => new { secret, body = Encoding.UTF8.GetString(b) }));
        var start = new ProcessStartInfo("node", "sign-github.mjs")
        {
            WorkingDirectory = WebhookExamples.FixturesDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        await node.StandardInput.WriteAsync(input);
        node.StandardInput.Close();
        var output = await node.StandardOutput.ReadToEndAsync();
        var error = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"sign-github.mjs failed: {error}");
        }

        return JsonSerializer.Deserialize<List<string>>(output)!;
    }
}
