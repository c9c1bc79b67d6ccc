using System.Diagnostics;
using System.Text.Json;
using Agentic.Demo.Options;
using Microsoft.Extensions.Options;

namespace Agentic.Demo.Seeding;

/// <summary>
/// Makes the demo project once per state folder (and prettier version): writes the files, lets npm resolve and install
/// prettier from the registry (the lockfile is npm's), formats every file but the pull request's new one, and records
/// <c>prettier --check .</c> failing on the pull request's tree. Later runs read <c>seed.json</c> and start at once.
/// </summary>
public sealed class DemoProjectSeeder(IOptions<GitHubDemoOptions> options, ILogger<DemoProjectSeeder> logger)
{
    private const string SeedFile = "seed.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public async Task<DemoSeed> EnsureAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var path = Path.Combine(settings.StateDirectory, SeedFile);
        if (File.Exists(path)
            && JsonSerializer.Deserialize<DemoSeed>(await File.ReadAllTextAsync(path, cancellationToken)) is { Format: DemoSeed.CurrentFormat } existing
            && existing.PrettierVersion == settings.PrettierVersion)
        {
            return existing;
        }

        var started = Stopwatch.GetTimestamp();
        var work = Path.Combine(settings.StateDirectory, $"seed-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var seed = await CreateAsync(settings, work, cancellationToken);
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(seed, Json), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            DemoLog.Seeded(logger, settings.PrettierVersion, seed.MainFiles.Count + seed.PullRequestFiles.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
            return seed;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<DemoSeed> CreateAsync(GitHubDemoOptions settings, string work, CancellationToken cancellationToken)
    {
        var fullName = $"{settings.Owner}/{settings.Repository}";
        var main = DemoProjectFiles.MainFiles(fullName);
        await WriteAsync(work, main, cancellationToken);
        await WriteAsync(work, DemoProjectFiles.PullRequestFormattedFiles, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "package.json"), DemoProjectFiles.PackageJson(settings.Repository, settings.PrettierVersion), cancellationToken);

        DemoLog.Installing(logger, settings.PrettierVersion);
        var npm = await RunAsync(work, "npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund"], settings.NpmTimeout, cancellationToken);
        npm.EnsureSucceeded("npm install");
        var node = await RunAsync(work, "node", ["--version"], TimeSpan.FromSeconds(30), cancellationToken);
        node.EnsureSucceeded("node --version");

        // Every committed file as prettier wants it (package.json as npm wrote it too), so that only the new file fails.
        var prettier = Path.Combine(work, "node_modules", ".bin", "prettier");
        (await RunAsync(work, prettier, ["--write", "."], TimeSpan.FromMinutes(1), cancellationToken)).EnsureSucceeded("prettier --write .");
        await File.WriteAllTextAsync(Path.Combine(work, DemoProjectFiles.UnformattedFile), DemoProjectFiles.UnformattedContent, cancellationToken);
        // One stream, in the order a terminal (and the Actions log) shows it: "Checking formatting..." on stdout, [warn] on stderr.
        var check = await RunAsync(work, "/bin/sh", ["-c", "exec node_modules/.bin/prettier --check . 2>&1"], TimeSpan.FromMinutes(1), cancellationToken);
        if (check.ExitCode != 1 || !check.Output.Contains(DemoProjectFiles.UnformattedFile, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"prettier --check . was expected to fail on {DemoProjectFiles.UnformattedFile} only; it exited {check.ExitCode}:\n{check.Output}");
        }

        var mainPaths = main.Keys.Append("package.json").Append("package-lock.json");
        return new DemoSeed
        {
            Format = DemoSeed.CurrentFormat,
            PrettierVersion = settings.PrettierVersion,
            NodeVersion = node.Output.Trim().TrimStart('v'),
            MainFiles = await ReadAsync(work, mainPaths, cancellationToken),
            PullRequestFiles = await ReadAsync(work, DemoProjectFiles.PullRequestFormattedFiles.Keys.Append(DemoProjectFiles.UnformattedFile), cancellationToken),
            NpmOutput = npm.Output.Trim('\n'),
            PrettierOutput = check.Output.Trim('\n'),
            PrettierExitCode = check.ExitCode,
        };
    }

    private static async Task WriteAsync(string root, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content, cancellationToken);
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadAsync(string root, IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            files[path] = await File.ReadAllTextAsync(Path.Combine(root, path), cancellationToken);
        }

        return files;
    }

    private static async Task<ToolResult> RunAsync(string workingDirectory, string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Agentic.Git.ChildProcess.KillTree(process);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        return new ToolResult($"{fileName} {string.Join(' ', arguments)}", process.ExitCode, await output + await error);
    }

    private sealed record ToolResult(string CommandLine, int ExitCode, string Output)
    {
        public void EnsureSucceeded(string what)
        {
            if (ExitCode != 0)
            {
                throw new InvalidOperationException($"{what} failed ({ExitCode}) in the demo project: {Output}");
            }
        }
    }
}
