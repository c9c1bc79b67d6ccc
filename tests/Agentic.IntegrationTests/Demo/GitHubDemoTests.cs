using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Runtime.Versioning;
using Agentic.AppHost.Hosting;
using Agentic.IntegrationTests.AppHost;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.LocalServers;
using Agentic.ServiceDefaults;
using Agentic.Testing;
using Aspire.Hosting.Testing;
using Agentic.StandIns;
using Agentic.StandIns.GitHub;
using Dapper;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Agentic.IntegrationTests.Demo;

/// <summary>
/// <c>run.sh --demo</c>: the AppHost itself, started in the test process through Aspire's testing builder with
/// <c>--demo</c> on a fresh state folder and free ports, brings up PostgreSQL, RabbitMQ, the migrations, the demo GitHub
/// (AppHost/Demo) and the services configured as the demo configures them (its URL, app id and key file, its webhook
/// secret, no LLM). The demo makes its repository with npm against the real registry, waits for the gateway, delivers
/// the failed prettier check; the system reproduces it from the workflow file, runs prettier in the sandbox, validates
/// and pushes. Disposing the application stops every process.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class GitHubDemoTests
{
    private const string Owner = "agentic-demo";
    private const string Repository = "hello-prettier";
    private const string Branch = "farewell-1";
    private const long AppId = 424242;
    private const long InstallationId = 4242420;

    [Test]
    public async Task Should_fix_validate_push_and_report_the_demo_pull_requests_prettier_failure_when_the_apphost_runs_with_demo_and_leave_no_process_when_disposed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        var state = Path.Combine(TestEnvironment.Root, $"apphost-demo-{Guid.NewGuid():N}");
        var demoPort = FreePort.Find();
        var demoUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{demoPort}/"));
        var clock = Stopwatch.StartNew();
        IReadOnlyList<int> pids;
        TimeSpan stopped;

        await using (var appHost = await InProcessAppHost.StartAsync(state, ["--demo", "--demo-port", demoPort.ToString(CultureInfo.InvariantCulture)], timeout.Token))
        {
            await appHost.WaitUntilHealthyAsync([ResourceNames.Postgres, ResourceNames.Messaging, DemoGitHub.ResourceName, .. ResourceNames.Services], AgenticResources.Migrations, timeout.Token);
            var systemUp = clock.Elapsed;
            pids = appHost.ProcessIds();

            var database = await appHost.App.GetConnectionStringAsync(ResourceNames.Postgres, timeout.Token);
            using var api = await InstallationClientAsync(demoUrl, await File.ReadAllTextAsync(Path.Combine(state, DemoGitHub.ResourceName, "app-private-key.pem"), timeout.Token));
            var repositoryId = (await api.GetFromJsonAsync<JsonObject>($"repos/{Owner}/{Repository}", timeout.Token))!["id"]!.GetValue<long>();
            await using var connection = new NpgsqlConnection(database);
            var pushed = await Polling.UntilAsync(
                () => connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM workflows WHERE repository_id = @repositoryId AND outcome = 'pushed')", new { repositoryId }),
                TimeSpan.FromMinutes(4));
            var pushedAt = clock.Elapsed;
            Assert.That(pushed, Is.True, () => $"no fix was pushed:\n{appHost.Describe()}\n{appHost.RecentOutput()}");
            var workflow = await WaitForReportedAsync(connection, repositoryId, TimeSpan.FromMinutes(1));
            Assert.That(workflow, Is.Not.Null, () => $"the workflow was not reported:\n{appHost.RecentOutput()}");
            TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"AppHost --demo (testing builder): every resource healthy {systemUp.TotalSeconds:0.0} s, fix pushed {pushedAt.TotalSeconds:0.0} s (healthy to push {(pushedAt - systemUp).TotalSeconds:0.0} s), reported {clock.Elapsed.TotalSeconds:0.0} s"));

            var clone = Path.Combine(TestEnvironment.Root, $"demo-clone-{Guid.NewGuid():N}");
            (await GitCommand.RunAsync(TestEnvironment.Root, ["clone", "--quiet", "--branch", Branch, new Uri(demoUrl, $"{Owner}/{Repository}.git").ToString(), clone], CancellationToken.None)).EnsureSuccess("clone");
            var parents = (await GitCommand.RunAsync(clone, ["log", "-1", "--format=%P"], CancellationToken.None)).EnsureSuccess("log");
            var install = await RunAsync(clone, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
            var check = await RunAsync(clone, Path.Combine(clone, "node_modules", ".bin", "prettier"), "--check", ".");
            var tests = await RunAsync(clone, "npm", "test");
            var comments = await api.GetFromJsonAsync<JsonArray>($"repos/{Owner}/{Repository}/issues/1/comments", timeout.Token);
            var checkRuns = new List<JsonNode>();
            foreach (var sha in new[] { workflow!.HeadSha, (await GitCommand.RunAsync(clone, ["rev-parse", "HEAD"], CancellationToken.None)).EnsureSuccess("rev-parse") })
            {
                checkRuns.AddRange((await api.GetFromJsonAsync<JsonObject>($"repos/{Owner}/{Repository}/commits/{sha}/check-runs", timeout.Token))!["check_runs"]!.AsArray().Select(c => c!));
            }

            TestContext.Progress.WriteLine(string.Join("\n---\n", comments!.Select(c => c!["body"]!.GetValue<string>())));
            pids = appHost.ProcessIds();
            TestContext.Progress.WriteLine($"processes of the system: {InProcessAppHost.Describe(pids)}");
            Assert.Multiple(() =>
            {
                Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
                Assert.That(parents, Is.EqualTo(workflow.HeadSha), "one commit on top of the failed head");
                Assert.That(install.ExitCode, Is.Zero, install.Output);
                Assert.That(check.ExitCode, Is.Zero, "prettier --check . passes in a fresh clone: " + check.Output);
                Assert.That(tests.ExitCode, Is.Zero, tests.Output);
                Assert.That(comments!.Select(c => c!["body"]!.GetValue<string>()), Has.Some.Contains("fix pushed"));
                Assert.That(checkRuns.Where(c => c["name"]!.GetValue<string>() == "agentic/fix").Select(c => c["conclusion"]?.GetValue<string>()), Has.Some.EqualTo("success"));
                Assert.That(pids, Has.Count.GreaterThanOrEqualTo(14), "DCP (two processes), epmd, PostgreSQL, RabbitMQ, the demo GitHub and eight services");
            });

            stopped = clock.Elapsed;
        }

        var allGone = await Polling.UntilAsync(() => !pids.Any(ProcessTree.IsAlive) && InProcessAppHost.ProcessesOf(state).Count == 0, TimeSpan.FromSeconds(30));
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"disposed in {(clock.Elapsed - stopped).TotalSeconds:0.0} s; {pids.Count} processes seen"));
        Assert.That(allGone, Is.True, () => "processes left behind after DisposeAsync: " +
            string.Join(", ", pids.Where(ProcessTree.IsAlive).Union(InProcessAppHost.ProcessesOf(state)).Select(pid => $"{pid} {CommandLine(pid)}")));
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

    /// <summary>The repository's workflow once it has finished and its final report was delivered; null after <paramref name="timeout"/>.</summary>
    private static async Task<DemoWorkflow?> WaitForReportedAsync(NpgsqlConnection connection, long repositoryId, TimeSpan timeout)
    {
        DemoWorkflow? workflow = null;
        await Polling.UntilAsync(async () =>
        {
            workflow = await connection.QuerySingleOrDefaultAsync<DemoWorkflow>(
                """
                SELECT w.outcome, w.summary, w.head_sha AS HeadSha FROM workflows w
                WHERE w.repository_id = @repositoryId AND w.finished_at IS NOT NULL AND EXISTS (
                    SELECT 1 FROM notifications n WHERE n.workflow_id = w.id AND n.status = 'completed' AND n.delivered_sequence = n.sequence)
                """,
                new { repositoryId });
            return workflow is not null;
        }, timeout);
        return workflow;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private sealed record DemoWorkflow(string Outcome, string Summary, string HeadSha);

    private static string DemoProject => Path.Combine(BuildInfo.RepositoryRoot, "AppHost", "Demo", "Agentic.Demo.csproj");

    /// <summary>The branches' commits as git's smart HTTP advertises them.</summary>
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
