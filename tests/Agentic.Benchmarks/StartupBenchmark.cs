using System.Diagnostics;
using System.Globalization;
using Agentic.Testing;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 12's figures: warm start-up to all-healthy, and the resident memory of everything at idle. Targets: under 20 s,
/// under 1.5 GiB. Memory is summed as PSS (each shared page divided among the processes that map it, so DCP's monitors,
/// which share one binary, are not counted thirteen times); the RSS sum, which counts shared pages in every process, is
/// printed beside it.
/// </summary>
public static class StartupBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var runs = Options.Int(args, "--runs", 3);
        var idleSeconds = Options.Int(args, "--idle-seconds", 20);
        var stateDirectory = Path.Combine(Path.GetTempPath(), "agentic-benchmark-state");
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- startup --runs {runs} --idle-seconds {idleSeconds}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

        // One cold run to create the state folder (initdb, RabbitMQ's first boot, migrations).
        var cold = await MeasureAsync(stateDirectory, reset: true, idleSeconds: 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold start (fresh state folder): {cold.Elapsed.TotalSeconds:0.0} s"));

        var warm = new List<double>();
        Measurement last = cold;
        for (var run = 1; run <= runs; run++)
        {
            last = await MeasureAsync(stateDirectory, reset: false, idleSeconds: run == runs ? idleSeconds : 0);
            warm.Add(last.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm start {run}: {last.Elapsed.TotalSeconds:0.0} s"));
        }

        warm.Sort();
        var median = warm[warm.Count / 2];
        Console.WriteLine();
        Console.WriteLine($"resident memory after {idleSeconds} s idle, by process (PSS, RSS):");
        foreach (var (name, rss, pss) in last.Memory.OrderByDescending(m => m.Pss))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {pss / 1024.0 / 1024.0,8:0.0} MiB {rss / 1024.0 / 1024.0,8:0.0} MiB  {name}"));
        }

        var total = last.Memory.Sum(m => m.Pss) / 1024.0 / 1024.0;
        var rssTotal = last.Memory.Sum(m => m.Rss) / 1024.0 / 1024.0;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT warm start to all healthy: median {median:0.0} s (min {warm[0]:0.0}, max {warm[^1]:0.0}) over {runs} runs; target < 20 s (issue 12)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT resident memory at idle: {total:0} MiB PSS in {last.Memory.Count} processes (RSS summed: {rssTotal:0} MiB); target < 1536 MiB"));
        return 0;
    }

    private static async Task<Measurement> MeasureAsync(string stateDirectory, bool reset, int idleSeconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();
        await using var appHost = await AppHostProcess.StartAsync(stateDirectory, reset, output: null, timeout.Token);
        await appHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), timeout.Token);
        var elapsed = clock.Elapsed;

        await Task.Delay(TimeSpan.FromSeconds(idleSeconds), timeout.Token);
        var memory = appHost.ProcessIds().Select(pid => (Name: Describe(pid), Rss: Kilobytes(pid, "status", "VmRSS:"), Pss: Kilobytes(pid, "smaps_rollup", "Pss:")))
            .Where(m => m.Rss > 0).ToList();
        var processes = appHost.ProcessIds().ToList();
        await appHost.TerminateAsync(TimeSpan.FromSeconds(90), timeout.Token);

        // DCP stops the resources after the AppHost has exited: the next start must not meet this run's PostgreSQL still
        // holding the state folder (a warm start once waited 4 minutes for a database that never came up).
        while (processes.Any(pid => Directory.Exists($"/proc/{pid}")))
        {
            await Task.Delay(100, timeout.Token);
        }

        return new Measurement(elapsed, memory);
    }

    /// <summary>A <c>kB</c> line of <c>/proc/PID/FILE</c>, in bytes; 0 when the process is gone.</summary>
    private static long Kilobytes(int pid, string file, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/{file}").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            var name = command.Split(' ').FirstOrDefault(part => part.EndsWith(".dll", StringComparison.Ordinal)) ?? command;
            return $"{pid,7} {Path.GetFileName(name.Length > 80 ? name[..80] : name)}";
        }
        catch (IOException)
        {
            return pid.ToString(CultureInfo.InvariantCulture);
        }
    }

    private sealed record Measurement(TimeSpan Elapsed, IReadOnlyList<(string Name, long Rss, long Pss)> Memory);
}
