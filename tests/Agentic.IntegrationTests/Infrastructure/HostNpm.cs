using System.Diagnostics;
using System.Text;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>npm on the host, outside any sandbox: to make real logs and lockfiles for a test's repository, and to judge a pushed branch.</summary>
public static class HostNpm
{
    /// <summary>
    /// Runs npm on the host in a fresh folder holding <paramref name="files"/> (then <paramref name="then"/>, e.g. <c>test</c>); returns the
    /// output, or the file <paramref name="read"/> afterwards. <paramref name="expectFailure"/>: the last command must fail, the others pass.
    /// </summary>
    public static async Task<string> RunAsync(IReadOnlyDictionary<string, string?> files, string[] arguments, string? read, bool expectFailure = false, string[]? then = null)
    {
        var folder = Directory.CreateTempSubdirectory("npm-host-").FullName;
        try
        {
            foreach (var (path, content) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
                await File.WriteAllTextAsync(Path.Combine(folder, path), content);
            }

            var output = new StringBuilder();
            var commands = then is null ? [arguments] : new[] { arguments, then };
            foreach (var argv in commands)
            {
                var last = argv == commands[^1];
                using var npm = Process.Start(ActionsRunner(new ProcessStartInfo("npm", argv) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true }))!;
                var stdout = npm.StandardOutput.ReadToEndAsync();
                var stderr = npm.StandardError.ReadToEndAsync();
                await npm.WaitForExitAsync();
                output.Append(await stdout).Append(await stderr);
                Assert.That(npm.ExitCode == 0, Is.EqualTo(!(expectFailure && last)), $"npm {string.Join(' ', argv)}:\n{output}");
            }

            return read is null ? output.ToString() : await File.ReadAllTextAsync(Path.Combine(folder, read));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The <c>package-lock.json</c> npm resolves from the registry for <paramref name="packageJson"/>.</summary>
    public static Task<string> LockfileAsync(string packageJson) =>
        RunAsync(new Dictionary<string, string?> { ["package.json"] = packageJson }, ["install", "--package-lock-only"], "package-lock.json");

    /// <summary>
    /// The variables GitHub's runner sets, whatever the machine running the tests sets: tools colour their output as they do
    /// in a real Actions log (prettier's picocolors and eslint's chalk both look at <c>CI</c> and <c>GITHUB_ACTIONS</c>).
    /// </summary>
    private static ProcessStartInfo ActionsRunner(ProcessStartInfo start)
    {
        start.Environment["CI"] = "true";
        start.Environment["GITHUB_ACTIONS"] = "true";
        start.Environment.Remove("NO_COLOR");
        start.Environment.Remove("FORCE_COLOR");
        return start;
    }
}
