using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Agentic.LocalServers;
using Agentic.Persistence;
using Agentic.ServiceDefaults;
using Agentic.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 3's figure: signed GitHub deliveries per second through the Ingress Gateway with durable acceptance (inbox
/// row committed, event confirmed by RabbitMQ), and p50/p99 acknowledgement latency, measured with wrk posting a real
/// 11 KB check_run payload with a unique delivery id per request. Target: at least 10,000/s with p99 under 50 ms at 32 connections.
/// </summary>
public static class GatewayThroughputBenchmark
{
    private const string Secret = "benchmark-github-webhook-secret";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var connections = Options.Int(args, "--connections", 32);
        var seconds = Options.Int(args, "--seconds", 20);
        var threads = Options.Int(args, "--threads", 2);
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- gateway --connections {connections} --seconds {seconds} --threads {threads}");
        if (ChildProcessStartInfo.FindExecutable("wrk") is not { } wrk)
        {
            Console.Error.WriteLine("wrk is not installed: run 'apt-get install -y wrk'.");
            return 1;
        }

        var root = Path.Combine(Path.GetTempPath(), $"agentic-gateway-bench-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(root);
        try
        {
            await using var postgres = new PostgresServer(Path.Combine(root, "postgres"), new PostgresServerOptions
            {
                // The same durability as production: fsync and synchronous_commit stay on.
                Settings = new Dictionary<string, string> { ["max_connections"] = "200", ["shared_buffers"] = "256MB", ["max_wal_size"] = "4GB" },
            });
            await using var rabbit = new RabbitMqServer(Path.Combine(root, "rabbitmq"));
            await Task.WhenAll(postgres.StartAsync(CancellationToken.None), rabbit.StartAsync(CancellationToken.None));
            await using (var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString))
            {
                await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
            }

            var gateway = await StartGatewayAsync(postgres.ConnectionString, rabbit.ConnectionString);
            var script = WriteScript(root);
            Console.WriteLine($"payload: {new FileInfo(Path.Combine(root, "body.json")).Length} bytes (check_run.completed from @octokit/webhooks-examples)");

            // A short warm-up (JIT, pools), then the measured run.
            await RunWrkAsync(wrk, threads, connections, 5, script, gateway.Url, print: false);
            var output = await RunWrkAsync(wrk, threads, connections, seconds, script, gateway.Url, print: true);
            await gateway.DisposeAsync();

            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT (SELECT count(*) FROM webhook_deliveries), (SELECT count(*) FROM webhook_outbox)", connection);
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            Console.WriteLine($"inbox after both runs: {reader.GetInt64(0)} deliveries recorded, {reader.GetInt64(1)} left in the outbox after the gateway stopped (the relay publishes those)");
            Console.WriteLine($"RESULT {Summarise(output)}; target >= 10000/s, p99 < 50 ms at {connections} connections");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<RunningGateway> StartGatewayAsync(string database, string messaging)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Find()}");
        var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = ResourceNames.IngressGateway,
            FileName = DotNetHost.Path,
            Arguments = [BuildInfo.ServiceAssembly("IngressGateway")],
            WorkingDirectory = BuildInfo.ServiceDirectory("IngressGateway"),
            Environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = url.ToString(),
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                ["GitHub__Webhooks__Secrets__0"] = Secret,
                [$"ConnectionStrings__{ResourceNames.Database}"] = database,
                ["Database__MaxPoolSize"] = "50",
                [$"ConnectionStrings__{ResourceNames.Messaging}"] = messaging,
            },
        }, CancellationToken.None);

        using var probe = new HealthProbe();
        for (var i = 0; i < 300 && await probe.CheckAsync(url, CancellationToken.None) != true; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The gateway exited:\n" + process.DescribeRecentOutput());
            }

            await Task.Delay(100);
        }

        return new RunningGateway(process, url);
    }

    private static string WriteScript(string root)
    {
        var examples = JsonNode.Parse(File.ReadAllText(Path.Combine(BuildInfo.RepositoryRoot, "tests", "fixtures", "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json")))!.AsArray();
        var payload = examples.First(e => (string?)e!["name"] == "check_run")!["examples"]!.AsArray()
            .First(p => (string?)p!["action"] == "completed" && (string?)p["check_run"]!["conclusion"] == "failure")!;
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        File.WriteAllBytes(Path.Combine(root, "body.json"), body);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
        var run = Guid.NewGuid().ToString("N")[..8];
        var script = Path.Combine(root, "post.lua");
        File.WriteAllText(script, $$"""
            -- One signed check_run delivery per request, each with its own X-GitHub-Delivery.
            local file = io.open("{{Path.Combine(root, "body.json")}}", "rb")
            local body = file:read("*a")
            file:close()
            local next_thread = 0
            function setup(thread)
              thread:set("thread_id", next_thread)
              next_thread = next_thread + 1
            end
            local counter = 0
            function request()
              counter = counter + 1
              local headers = {}
              headers["Content-Type"] = "application/json"
              headers["X-GitHub-Event"] = "check_run"
              headers["X-GitHub-Delivery"] = "{{run}}-" .. thread_id .. "-" .. counter
              headers["X-Hub-Signature-256"] = "{{signature}}"
              return wrk.format("POST", "/webhooks/github", headers, body)
            end
            """);
        return script;
    }

    private static async Task<string> RunWrkAsync(string wrk, int threads, int connections, int seconds, string script, Uri url, bool print)
    {
        var start = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            ArgumentList = { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency", "-s", script, url.ToString() },
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (print)
        {
            Console.WriteLine($"wrk -t {threads} -c {connections} -d {seconds}s --latency -s post.lua {url}");
            Console.WriteLine(output);
        }

        return output;
    }

    private static string Summarise(string wrkOutput)
    {
        string Find(string prefix) => wrkOutput.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? $"{prefix} ?";
        var errors = wrkOutput.Contains("Non-2xx", StringComparison.Ordinal) ? Find("Non-2xx") : "no non-2xx responses";
        return $"{Find("Requests/sec:")}, latency {Find("50%")} / {Find("99%")}, {errors}";
    }

    private sealed class RunningGateway(ChildProcess process, Uri url) : IAsyncDisposable
    {
        public Uri Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await process.StopAsync(Signals.Terminate, TimeSpan.FromSeconds(15), CancellationToken.None);
            await process.DisposeAsync();
        }
    }
}

internal static class Options
{
    public static int Int(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return fallback;
    }

    public static string? String(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
