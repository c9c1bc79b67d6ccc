using System.Diagnostics;

namespace Agentic.Executor.Tests.Infrastructure;

/// <summary>
/// Real formatters and linters from the npm registry (pinned), installed once per test run into a folder under the
/// temporary root and shared by every test: a repository's <c>node_modules</c> is a link to it, made visible to the
/// sandbox read-only (as the setup phase's reusable <c>node_modules</c> would be).
/// </summary>
public static class NodeTools
{
    public static readonly IReadOnlyList<string> Packages = ["prettier@3.10.2", "eslint@9.39.5", "xo@2.0.2", "@biomejs/biome@2.6.9"];

    private static readonly Lazy<Task<string>> Installed = new(InstallAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared folder holding <c>node_modules</c>.</summary>
    public static Task<string> FolderAsync() => Installed.Value;

    /// <summary>Links <paramref name="workspace"/>/node_modules to the shared install; returns the folder to bind read-only.</summary>
    public static async Task<string> LinkAsync(string workspace)
    {
        var folder = await FolderAsync();
        Directory.CreateSymbolicLink(Path.Combine(workspace, "node_modules"), Path.Combine(folder, "node_modules"));
        return folder;
    }

    private static async Task<string> InstallAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "agentic-executor-tests", "node-tools", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), "{\"private\": true}\n");
        var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["install", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts", "--save-exact", .. Packages])
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
        var output = npm.StandardOutput.ReadToEndAsync();
        var error = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm install {string.Join(' ', Packages)} failed ({npm.ExitCode}): {await output}{await error}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    }
}
