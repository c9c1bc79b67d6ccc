using System.Diagnostics;
using System.Globalization;
using Agentic.LocalServers;
using System.Net;
using System.Net.Sockets;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 4's executor figures. This project does not link the Executor, so the benchmarks run the same git and
/// bubblewrap command lines the Executor's <c>WorkspaceManager</c> and <c>SandboxRunner</c> run (see those classes).
/// workspace: warm-mirror preparation (fetch + <c>clone --shared</c> + checkout) vs a fresh clone, target at least 10x.
/// sandbox: <c>true</c> under bubblewrap (prlimit + bwrap with the executor's arguments) vs bare, target under 20 ms p50.
/// </summary>
public static class ExecutorBenchmarks
{
    public static async Task<int> WorkspaceAsync(IReadOnlyList<string> args)
    {
        var commits = Options.Int(args, "--commits", 300);
        var files = Options.Int(args, "--files", 600);
        var runs = Options.Int(args, "--runs", 7);
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- workspace --commits {commits} --files {files} --runs {runs}");
        // Executor:WorkspaceRoot on tmpfs (/dev/shm) when the machine has one: checkouts are file-system bound.
        var root = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"agentic-bench-workspace-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        Process? daemon = null;
        try
        {
            var source = Path.Combine(root, "source");
            var served = Path.Combine(root, "served");
            Directory.CreateDirectory(source);
            await GitAsync(source, "init", "--quiet", "--initial-branch=main");
            var random = new Random(42);
            for (var c = 0; c < commits; c++)
            {
                var touched = c == 0 ? files : 5;
                for (var f = 0; f < touched; f++)
                {
                    var index = c == 0 ? f : random.Next(files);
                    var path = Path.Combine(source, $"src/module{index % 20}/file{index}.cs");
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await File.WriteAllTextAsync(path, string.Create(CultureInfo.InvariantCulture, $"// commit {c}\n{Convert.ToBase64String(RandomBytes(random, 1500 + random.Next(3000)))}\n"));
                }

                await GitAsync(source, "add", "-A");
                await GitAsync(source, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "-m", $"commit {c}");
            }

            await GitAsync(root, "clone", "--quiet", "--bare", source, Path.Combine(served, "repo.git"));
            var port = FreePort.Find();
            daemon = Process.Start(new ProcessStartInfo("git", ["daemon", "--reuseaddr", "--export-all", $"--base-path={served}", "--listen=127.0.0.1", $"--port={port}", served]) { RedirectStandardError = true })!;
            await WaitForPortAsync(port);
            var url = $"git://127.0.0.1:{port}/repo.git";
            var size = await GitAsync(Path.Combine(served, "repo.git"), "count-objects", "-vH");
            Console.WriteLine($"repository: {commits} commits, {files} files, served by git daemon at {url}; {size.Split('\n').FirstOrDefault(l => l.StartsWith("size-pack", StringComparison.Ordinal))}");

            var fresh = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var target = Path.Combine(root, $"fresh-{run}");
                var watch = Stopwatch.StartNew();
                await GitAsync(root, "clone", "--quiet", url, target);
                fresh.Add(watch.Elapsed.TotalMilliseconds);
                Directory.Delete(target, recursive: true);
            }

            var mirror = Path.Combine(root, "mirror.git");
            await GitAsync(root, "clone", "--quiet", "--mirror", url, mirror);
            var warm = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                // A new push since the last attempt, as when a PR gets a commit: the warm path must fetch it.
                await File.WriteAllTextAsync(Path.Combine(source, "src/module0/file0.cs"), $"// run {run}\n");
                await GitAsync(source, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "-am", $"run {run}");
                await GitAsync(source, "push", "--quiet", Path.Combine(served, "repo.git"), "main");
                var head = (await GitAsync(source, "rev-parse", "HEAD")).Trim();
                var target = Path.Combine(root, $"warm-{run}");
                var watch = Stopwatch.StartNew();
                await GitAsync(mirror, "fetch", "--quiet", "--prune", url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*");
                await GitAsync(root, "clone", "--quiet", "--shared", "--no-checkout", mirror, target);
                await GitAsync(target, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", head);
                warm.Add(watch.Elapsed.TotalMilliseconds);
                Directory.Delete(target, recursive: true);
            }

            var freshMedian = Percentile.Of(fresh, 0.5);
            var warmMedian = Percentile.Of(warm, 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT workspace fresh_clone_median_ms={freshMedian:0.0} warm_prepare_median_ms={warmMedian:0.0} ratio={freshMedian / warmMedian:0.0}x target>=10x {(freshMedian / warmMedian >= 10 ? "MET" : "MISSED")}"));
            return 0;
        }
        finally
        {
            if (daemon is not null)
            {
                daemon.Kill(entireProcessTree: true);
                await daemon.WaitForExitAsync();
                daemon.Dispose();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    public static async Task<int> SandboxAsync(IReadOnlyList<string> args)
    {
        var runs = Options.Int(args, "--runs", 200);
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- sandbox --runs {runs}");
        var workspace = Directory.CreateTempSubdirectory("agentic-bench-sandbox").FullName;
        try
        {
            // The executor's argument list (SandboxRunner.BuildBwrapArguments) without cgroups, which the executor adds when writable.
            string[] sandboxed =
            [
                "--fsize=268435456", "--nofile=4096", "--core=0", "--", "bwrap",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--bind", workspace, "/tmp/ws", "--dir", "/tmp/home",
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox",
                "--unshare-user", "--uid", "1000", "--gid", "1000",
                "--die-with-parent", "--new-session", "--clearenv",
                "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp/home",
                "--chdir", "/tmp/ws", "--", "true",
            ];
            for (var i = 0; i < 10; i++)
            {
                await RunAsync("true", []);
                await RunAsync("prlimit", sandboxed);
            }

            var bare = new List<double>();
            var wrapped = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                bare.Add(await RunAsync("true", []));
                wrapped.Add(await RunAsync("prlimit", sandboxed));
            }

            var overhead = Percentile.Of(wrapped, 0.5) - Percentile.Of(bare, 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT sandbox bare_p50_ms={Percentile.Of(bare, 0.5):0.00} bare_p95_ms={Percentile.Of(bare, 0.95):0.00} bwrap_p50_ms={Percentile.Of(wrapped, 0.5):0.00} bwrap_p95_ms={Percentile.Of(wrapped, 0.95):0.00} overhead_p50_ms={overhead:0.00} target<20ms {(overhead < 20 ? "MET" : "MISSED")}"));
            return 0;
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<double> RunAsync(string fileName, string[] arguments)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        return process.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"{fileName} exited {process.ExitCode}");
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"git {arguments[0]}: {await error}");
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("git daemon did not start");
    }
}
