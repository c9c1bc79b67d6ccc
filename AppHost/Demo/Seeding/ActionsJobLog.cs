using System.Globalization;
using System.Text;

namespace Agentic.Demo.Seeding;

/// <summary>
/// The failed <c>format</c> job's log as GitHub Actions writes it (timestamped lines, a <c>##[group]Run …</c> header per
/// step with its command and shell, <c>##[error]</c> at the end), around the real outputs of npm and prettier.
/// </summary>
public static class ActionsJobLog
{
    public static string Format(DemoSeed seed, string fullName, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var log = new StringBuilder();
        var at = startedAt.UtcDateTime;

        void Line(string text, double advanceSeconds = 0.01)
        {
            at = at.AddSeconds(advanceSeconds);
            log.Append(at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)).Append(' ').Append(text).Append('\n');
        }

        void Run(string command, double seconds, string output)
        {
            Line($"##[group]Run {command}");
            Line(command);
            Line("shell: /usr/bin/bash -e {0}");
            Line("##[endgroup]");
            var lines = output.Split('\n');
            foreach (var line in lines)
            {
                Line(line, seconds / lines.Length);
            }
        }

        Line("Current runner version: '2.329.0'");
        Line("##[group]Operating System");
        Line("Ubuntu");
        Line("24.04.3");
        Line("LTS");
        Line("##[endgroup]");
        Line("##[group]Run actions/checkout@v4", 0.6);
        Line("with:");
        Line($"  repository: {fullName}");
        Line("##[endgroup]");
        Line($"Syncing repository: {fullName}", 0.4);
        Line("##[group]Run actions/setup-node@v4", 0.8);
        Line("with:");
        Line("  node-version: 20");
        Line("  cache: npm");
        Line("##[endgroup]");
        Line($"Found in cache @ /opt/hostedtoolcache/node/{seed.NodeVersion}/x64", 0.3);
        Line("##[group]Environment details");
        Line($"node: v{seed.NodeVersion}");
        Line("##[endgroup]");
        Run("npm ci", 1.2, seed.NpmOutput);
        Run(DemoProjectFiles.FormatCommand, 0.9, seed.PrettierOutput);
        Line($"##[error]Process completed with exit code {seed.PrettierExitCode.ToString(CultureInfo.InvariantCulture)}.");
        Line("Post job cleanup.", 0.2);
        Line("Cleaning up orphan processes");
        return log.ToString();
    }
}
