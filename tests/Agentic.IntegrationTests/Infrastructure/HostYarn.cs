using System.Diagnostics;
using System.Text;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>
/// yarn on the host, outside any sandbox, to make a test repository's real <c>yarn.lock</c> and a real CI log: yarn 1 is
/// the machine's (AppHost/prerequisites.sh installs it), Yarn 2+ is the version <paramref name="packageManager"/> pins,
/// through corepack from the npm registry, with a corepack home of its own (the machine's stays untouched).
/// </summary>
public static class HostYarn
{
    /// <summary>
    /// In a fresh folder holding <paramref name="files"/>: <c>yarn install</c> (scripts off), then each of
    /// <paramref name="then"/>; returns the <c>yarn.lock</c> written and the output of the last command, which must fail
    /// when <paramref name="expectFailure"/> (the others must pass).
    /// </summary>
    public static async Task<(string Lockfile, string Output)> RunAsync(IReadOnlyDictionary<string, string?> files, bool berry, string[][] then, bool expectFailure)
    {
        var folder = Directory.CreateTempSubdirectory("yarn-host-").FullName;
        try
        {
            foreach (var (path, content) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
                await File.WriteAllTextAsync(Path.Combine(folder, path), content);
            }

            string[][] commands = [berry ? ["install", "--mode=skip-build"] : ["install", "--ignore-scripts"], .. then];
            var output = string.Empty;
            foreach (var argv in commands)
            {
                var last = argv == commands[^1];
                var start = berry ? new ProcessStartInfo("corepack", ["yarn", .. argv]) : new ProcessStartInfo("yarn", argv);
                start.WorkingDirectory = folder;
                start.RedirectStandardOutput = start.RedirectStandardError = true;
                start.Environment["CI"] = "true";
                start.Environment["GITHUB_ACTIONS"] = "true";
                start.Environment.Remove("NO_COLOR");
                start.Environment.Remove("FORCE_COLOR");
                start.Environment["COREPACK_HOME"] = Path.Combine(folder, ".corepack-home");
                start.Environment["COREPACK_NPM_REGISTRY"] = "https://registry.npmjs.org";
                start.Environment["COREPACK_ENABLE_DOWNLOAD_PROMPT"] = "0";
                start.Environment["COREPACK_ENABLE_AUTO_PIN"] = "0";
                start.Environment["YARN_ENABLE_TELEMETRY"] = "0";
                // With CI set, Yarn 2+ installs only from an existing lockfile: here it writes the first one.
                start.Environment["YARN_ENABLE_IMMUTABLE_INSTALLS"] = "false";
                using var yarn = Process.Start(start)!;
                var stdout = yarn.StandardOutput.ReadToEndAsync();
                var stderr = yarn.StandardError.ReadToEndAsync();
                await yarn.WaitForExitAsync();
                output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
                Assert.That(yarn.ExitCode == 0, Is.EqualTo(!(expectFailure && last && then.Length > 0)), $"yarn {string.Join(' ', argv)}:\n{output}");
            }

            return (await File.ReadAllTextAsync(Path.Combine(folder, "yarn.lock")), output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
