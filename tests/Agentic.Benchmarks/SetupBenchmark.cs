using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Agentic.Executor.Extensions;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Setup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 10's setup figure: the Executor's real <see cref="SetupPhase"/> (bubblewrap, the egress proxy, the real npm
/// registry) on a lockfile of a few hundred packages (default: jest's). Cold (empty caches: every tarball through the
/// proxy), warm npm cache (a new lockfile-keyed node_modules is not saved yet: <c>npm ci</c> from the cache), and warm
/// (the second attempt on the same lockfile: node_modules restored, target under 2 s, zero tunnels).
/// </summary>
public static class SetupBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var dependency = Value(args, "--dependency", "jest@29.7.0");
        var runs = Options.Int(args, "--runs", 5);
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- setup --dependency {dependency} --runs {runs}");
        var root = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"agentic-bench-setup-{Guid.NewGuid().ToString("N")[..8]}");
        var project = Path.Combine(root, "project");
        Directory.CreateDirectory(project);
        try
        {
            var at = dependency.LastIndexOf('@');
            var (name, version) = at > 0 ? (dependency[..at], dependency[(at + 1)..]) : (dependency, "*");
            await File.WriteAllTextAsync(Path.Combine(project, "package.json"), JsonSerializer.Serialize(new
            {
                name = "setup-benchmark",
                version = "1.0.0",
                @private = true,
                devDependencies = new Dictionary<string, string> { [name] = version },
            }));
            await NpmAsync(project, "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--omit-lockfile-registry-resolved=false");
            using (var lockfile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "package-lock.json"))))
            {
                Console.WriteLine($"lockfile: {lockfile.RootElement.GetProperty("packages").EnumerateObject().Count() - 1} packages ({dependency})");
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Executor:WorkspaceRoot"] = root }).Build();
            var services = new ServiceCollection();
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton<IConfiguration>(configuration);
            services.AddExecutorCore();
            await using var provider = services.BuildServiceProvider();
            var setup = provider.GetRequiredService<SetupPhase>();
            var caches = provider.GetRequiredService<RepositoryCaches>();
            var sandbox = provider.GetRequiredService<SandboxRunner>();
            const string Repository = "benchmark";

            var (cold, coldTunnels) = await MeasureAsync(setup, root, project, Repository);
            var warmCache = new List<double>();
            for (var run = 0; run < Math.Min(runs, 3); run++)
            {
                // Only the npm cache is warm: the saved node_modules is removed, so npm ci installs from the cache.
                Directory.Delete(Path.Combine(caches.Root, Repository, "node_modules"), recursive: true);
                var (ms, tunnels) = await MeasureAsync(setup, root, project, Repository);
                warmCache.Add(ms);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm npm cache run {run}: {ms:0} ms, {tunnels} tunnel(s)"));
            }

            var warm = new List<double>();
            var warmTunnels = 0;
            var firstCommand = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var workspace = Path.Combine(root, $"warm-{run}");
                var (ms, tunnels) = await MeasureAsync(setup, root, project, Repository, workspace);
                warm.Add(ms);
                warmTunnels += tunnels;
                var watch = Stopwatch.StartNew();
                var first = await sandbox.RunAsync(new SandboxRequest { Workspace = workspace, Arguments = ["node", "-e", $"require.resolve('{name}')"], Timeout = TimeSpan.FromMinutes(1) }, CancellationToken.None);
                firstCommand.Add(watch.Elapsed.TotalMilliseconds);
                if (first.ExitCode != 0)
                {
                    throw new InvalidOperationException($"the restored node_modules does not resolve {name}: {first.OutputTail}");
                }
            }

            var warmMedian = Median(warm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT setup cold_ms={cold:0} cold_tunnels={coldTunnels} warm_npm_cache_median_ms={Median(warmCache):0} warm_median_ms={warmMedian:0} warm_max_ms={warm.Max():0} warm_tunnels={warmTunnels} first_command_after_warm_median_ms={Median(firstCommand):0} target_warm<2000ms {(warmMedian < 2000 && warmTunnels == 0 ? "MET" : "MISSED")}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(double Milliseconds, int Tunnels)> MeasureAsync(SetupPhase setup, string root, string project, string repository, string? workspace = null)
    {
        workspace ??= Path.Combine(root, "ws-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workspace);
        foreach (var file in (string[])["package.json", "package-lock.json"])
        {
            File.Copy(Path.Combine(project, file), Path.Combine(workspace, file));
        }

        var watch = Stopwatch.StartNew();
        using var result = await setup.RunAsync(new SetupRequest { Workspace = workspace, Repository = repository }, CancellationToken.None);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error);
        }

        return (elapsed, result.Tunnels.Count);
    }

    private static async Task NpmAsync(string directory, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("npm", arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm {string.Join(' ', arguments)} failed: {await error}");
        }
    }

    private static double Median(List<double> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    private static string Value(IReadOnlyList<string> args, string name, string fallback)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return fallback;
    }
}
