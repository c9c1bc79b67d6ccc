using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Agentic.Testing;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.IntegrationTests.Workflows;
using Agentic.StandIns;
using Agentic.StandIns.GitHub;
using Dapper;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Agentic.IntegrationTests.Demo;

/// <summary>
/// <c>run.sh --demo</c> without the AppHost: the demo GitHub (AppHost/Demo) as its own process on a fresh state folder,
/// and every service configured as the demo configures them (the demo's URL, app id and key file, its webhook secret,
/// no LLM). The demo makes its repository with npm against the real registry, waits for the gateway, delivers the failed
/// prettier check; the system reproduces it from the workflow file, runs prettier in the sandbox, validates and pushes.
/// </summary>
[NonParallelizable]
public sealed class GitHubDemoTests
{
    private const string Owner = "agentic-demo";
    private const string Repository = "hello-prettier";
    private const string Branch = "farewell-1";
    private const long AppId = 424242;
    private const long InstallationId = 4242420;

    [Test]
    public async Task Should_fix_validate_push_and_report_the_demo_pull_requests_prettier_failure_with_no_github_credentials_and_no_llm()
    {
        var state = Path.Combine(TestEnvironment.Root, "github-demo");
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var demoUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Find()}/"));
        var gatewayUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Find()}/"));
        var clock = Stopwatch.StartNew();

        // The demo first, as Aspire starts it: it seeds, then waits for the gateway the services open last.
        await using var demo = await ServiceProcess.StartProjectAsync("github-demo", DemoProject,
            new Dictionary<string, string?>
            {
                ["GitHubDemo__StateDirectory"] = state,
                ["GitHubDemo__GatewayWebhookUrl"] = new Uri(gatewayUrl, "/webhooks/github").ToString(),
                ["GitHubDemo__WebhookSecret"] = secret,
            },
            demoUrl);
        var seeded = clock.Elapsed;
        var head = await RemoteHeadAsync(demoUrl);

        var database = await TestEnvironment.CreateMigratedDatabaseAsync("demo");
        await using var system = await RunningSystem.StartAsync(database, new Dictionary<string, string?>
        {
            ["GitHub__Api__BaseUrl"] = demoUrl.ToString(),
            ["GitHub__Api__App__AppId"] = AppId.ToString(CultureInfo.InvariantCulture),
            ["GitHub__Api__App__PrivateKeyPath"] = Path.Combine(state, "app-private-key.pem"),
            ["GitHub__Webhooks__Secrets__0"] = secret,
            ["Llm__Provider"] = "none",
        }, gatewayUrl);
        var systemUp = clock.Elapsed;

        using var api = await InstallationClientAsync(demoUrl, await File.ReadAllTextAsync(Path.Combine(state, "app-private-key.pem")));
        var repositoryId = (await api.GetFromJsonAsync<JsonObject>($"repos/{Owner}/{Repository}"))!["id"]!.GetValue<long>();
        await using var connection = new NpgsqlConnection(database);
        var pushed = await Polling.UntilAsync(
            () => connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM workflows WHERE repository_id = @repositoryId AND outcome = 'pushed')", new { repositoryId }),
            TimeSpan.FromMinutes(4));
        var pushedAt = clock.Elapsed;
        Assert.That(pushed, Is.True, () => $"no fix was pushed; the demo:\n{demo.RecentOutput(40)}\n{system.RecentOutput()}");
        var workflow = await system.WaitForFinishedAsync(repositoryId, TimeSpan.FromMinutes(1));
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"demo seeded and healthy {seeded.TotalSeconds:0.0} s, system healthy {systemUp.TotalSeconds:0.0} s, fix pushed {pushedAt.TotalSeconds:0.0} s (webhook to push {(pushedAt - systemUp).TotalSeconds:0.0} s), reported {clock.Elapsed.TotalSeconds:0.0} s"));

        var clone = Path.Combine(TestEnvironment.Root, $"demo-clone-{Guid.NewGuid():N}");
        (await GitCommand.RunAsync(TestEnvironment.Root, ["clone", "--quiet", "--branch", Branch, new Uri(demoUrl, $"{Owner}/{Repository}.git").ToString(), clone], CancellationToken.None)).EnsureSuccess("clone");
        var parents = (await GitCommand.RunAsync(clone, ["log", "-1", "--format=%P"], CancellationToken.None)).EnsureSuccess("log");
        var install = await RunAsync(clone, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
        var check = await RunAsync(clone, Path.Combine(clone, "node_modules", ".bin", "prettier"), "--check", ".");
        var tests = await RunAsync(clone, "npm", "test");
        var comments = await api.GetFromJsonAsync<JsonArray>($"repos/{Owner}/{Repository}/issues/1/comments");
        var checkRuns = new List<JsonNode>();
        foreach (var sha in new[] { head, (await GitCommand.RunAsync(clone, ["rev-parse", "HEAD"], CancellationToken.None)).EnsureSuccess("rev-parse") })
        {
            checkRuns.AddRange((await api.GetFromJsonAsync<JsonObject>($"repos/{Owner}/{Repository}/commits/{sha}/check-runs"))!["check_runs"]!.AsArray().Select(c => c!));
        }

        TestContext.Progress.WriteLine(string.Join("\n---\n", comments!.Select(c => c!["body"]!.GetValue<string>())));
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(parents, Is.EqualTo(head), "one commit on top of the failed head");
            Assert.That(install.ExitCode, Is.Zero, install.Output);
            Assert.That(check.ExitCode, Is.Zero, "prettier --check . passes in a fresh clone: " + check.Output);
            Assert.That(tests.ExitCode, Is.Zero, tests.Output);
            Assert.That(comments!.Select(c => c!["body"]!.GetValue<string>()), Has.Some.Contains("fix pushed"));
            Assert.That(checkRuns.Where(c => c["name"]!.GetValue<string>() == "agentic/fix").Select(c => c["conclusion"]?.GetValue<string>()), Has.Some.EqualTo("success"));
        });
    }

    [Test]
    public async Task Should_keep_its_repository_and_open_the_next_pull_request_without_npm_when_restarted_on_the_same_state_folder()
    {
        var state = Path.Combine(TestEnvironment.Root, $"github-demo-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string?>
        {
            ["GitHubDemo__StateDirectory"] = state,
            // Nothing listens there: the demo keeps waiting for the gateway, as it does while the services start.
            ["GitHubDemo__GatewayWebhookUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Find()}/webhooks/github"),
            ["GitHubDemo__WebhookSecret"] = "restart-secret",
        };
        var demoUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Find()}/"));
        IReadOnlyDictionary<string, string> first;
        string key;
        await using (await ServiceProcess.StartProjectAsync("github-demo", DemoProject, environment, demoUrl))
        {
            first = await RemoteRefsAsync(demoUrl);
            key = await File.ReadAllTextAsync(Path.Combine(state, "app-private-key.pem"));
        }

        var seedWritten = File.GetLastWriteTimeUtc(Path.Combine(state, "seed.json"));
        var clock = Stopwatch.StartNew();
        await using var again = await ServiceProcess.StartProjectAsync("github-demo", DemoProject, environment, demoUrl);
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restart on a warm state folder healthy in {clock.Elapsed.TotalSeconds:0.0} s"));
        var second = await RemoteRefsAsync(demoUrl);
        using var api = await InstallationClientAsync(demoUrl, key);
        var pull = await api.GetFromJsonAsync<JsonObject>($"repos/{Owner}/{Repository}/pulls/2");

        Assert.Multiple(() =>
        {
            Assert.That(first.Keys, Is.EquivalentTo(new[] { "refs/heads/main", "refs/heads/farewell-1" }));
            Assert.That(second["refs/heads/main"], Is.EqualTo(first["refs/heads/main"]), "the repository is kept, not made again");
            Assert.That(second["refs/heads/farewell-1"], Is.EqualTo(first["refs/heads/farewell-1"]));
            Assert.That(second.Keys, Does.Contain("refs/heads/farewell-2"));
            Assert.That(pull?["head"]?["ref"]?.GetValue<string>(), Is.EqualTo("farewell-2"));
            Assert.That(pull?["head"]?["sha"]?.GetValue<string>(), Is.EqualTo(second["refs/heads/farewell-2"]));
            Assert.That(File.GetLastWriteTimeUtc(Path.Combine(state, "seed.json")), Is.EqualTo(seedWritten), "npm and prettier ran once, on the first start");
        });
    }

    private static string DemoProject => Path.Combine(BuildInfo.RepositoryRoot, "AppHost", "Demo", "Agentic.Demo.csproj");

    /// <summary>The PR branch's commit as git's smart HTTP advertises it.</summary>
    private static async Task<string> RemoteHeadAsync(Uri demoUrl) => (await RemoteRefsAsync(demoUrl))[$"refs/heads/{Branch}"];

    private static async Task<IReadOnlyDictionary<string, string>> RemoteRefsAsync(Uri demoUrl)
    {
        var refs = (await GitCommand.RunAsync(TestEnvironment.Root, ["ls-remote", "--heads", new Uri(demoUrl, $"{Owner}/{Repository}.git").ToString()], CancellationToken.None)).EnsureSuccess("ls-remote");
        return refs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
    }

    /// <summary>An API client with an installation token of the demo's app, obtained as any GitHub App gets one (an RS256 JWT).</summary>
    private static async Task<HttpClient> InstallationClientAsync(Uri demoUrl, string privateKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        var now = DateTime.UtcNow;
        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AppId.ToString(CultureInfo.InvariantCulture),
            IssuedAt = now.AddSeconds(-30),
            NotBefore = now.AddSeconds(-30),
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa.ExportParameters(true)), SecurityAlgorithms.RsaSha256),
        });
        var http = new HttpClient { BaseAddress = demoUrl };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("agentic-tests", "1"));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"app/installations/{InstallationId}/access_tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, body);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["token"]!.GetValue<string>());
        return http;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
