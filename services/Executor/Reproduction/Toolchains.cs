using System.Globalization;
using System.Text.RegularExpressions;
using Agentic.Executor.Processes;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Reproduction;

/// <summary>The toolchain versions installed on this machine (what the sandbox binds read-only), and the optional shells.</summary>
public sealed record InstalledToolchains(
    IReadOnlyList<string> Node,
    IReadOnlyList<string> Dotnet,
    IReadOnlyList<string> Python,
    bool Pwsh)
{
    public static InstalledToolchains None { get; } = new([], [], [], Pwsh: false);

    /// <summary>
    /// Whether <paramref name="requested"/> (as <c>actions/setup-*</c> take it: <c>18</c>, <c>18.x</c>, <c>8.0.x</c>,
    /// <c>3.11</c>, <c>v20.1.0</c>, <c>&gt;=18</c>, <c>lts/*</c>) is one of <paramref name="installed"/>; null when the
    /// request is an alias or a range this does not judge (then any installed version is taken).
    /// </summary>
    public static bool? Satisfies(string requested, IReadOnlyList<string> installed)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(installed);
        var text = requested.Trim().TrimStart('v', 'V');
        if (text.Length == 0 || text is "*" or "latest" or "current" or "node" or "stable" || text.StartsWith("lts", StringComparison.OrdinalIgnoreCase))
        {
            return installed.Count > 0 ? true : false;
        }

        var atLeast = text.StartsWith(">=", StringComparison.Ordinal);
        text = text.TrimStart('>', '=', '^', '~', ' ').TrimStart('v');
        var wanted = text.Split('.').TakeWhile(p => p is not ("x" or "X" or "*")).ToList();
        if (wanted.Count == 0 || wanted.Any(p => !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return null;
        }

        foreach (var version in installed)
        {
            var parts = Numbers(version);
            if (atLeast)
            {
                if (parts.Count > 0 && parts[0] >= int.Parse(wanted[0], CultureInfo.InvariantCulture))
                {
                    return true;
                }
            }
            else if (parts.Count >= wanted.Count && wanted.Select((w, i) => int.Parse(w, CultureInfo.InvariantCulture) == parts[i]).All(b => b))
            {
                return true;
            }
        }

        return false;
    }

    private static List<int> Numbers(string version)
    {
        var numbers = new List<int>();
        foreach (var part in version.TrimStart('v').Split('.', '-', '+'))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                break;
            }

            numbers.Add(number);
        }

        return numbers;
    }
}

/// <summary>
/// Asks the machine once which toolchains it has (<c>node --version</c>, <c>dotnet --list-sdks</c>,
/// <c>python3 --version</c>, <c>pwsh</c> on the path), from the same minimal environment and path the sandbox uses.
/// </summary>
public sealed partial class ToolchainProbe(ProcessRunner runner)
{
    private readonly Lock _gate = new();
    private Task<InstalledToolchains>? _installed;

    /// <summary>Probed once (each probe bounded by its own timeout), then remembered; a caller's cancellation only stops its wait.</summary>
    public Task<InstalledToolchains> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _installed ??= ProbeAsync();
        }

        return _installed.WaitAsync(cancellationToken);
    }

    private async Task<InstalledToolchains> ProbeAsync()
    {
        var node = await RunAsync("node", ["--version"], CancellationToken.None);
        var dotnet = await RunAsync("dotnet", ["--list-sdks"], CancellationToken.None);
        var python = await RunAsync("python3", ["--version"], CancellationToken.None);
        return new InstalledToolchains(
            Versions(node),
            Versions(dotnet),
            Versions(python),
            Pwsh: SandboxRunner.SandboxPath.Split(':').Any(d => File.Exists(Path.Combine(d, "pwsh"))));
    }

    private async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (!SandboxRunner.SandboxPath.Split(':').Any(d => File.Exists(Path.Combine(d, program))))
        {
            return string.Empty;
        }

        var result = await runner.RunAsync(new ProcessRequest
        {
            FileName = program,
            Arguments = arguments,
            WorkingDirectory = Path.GetTempPath(),
            Environment = new Dictionary<string, string?>(SandboxRunner.WrapperEnvironment) { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            InheritEnvironment = false,
            Timeout = TimeSpan.FromSeconds(30),
            MaxOutputBytes = 64 * 1024,
        }, cancellationToken);
        return result.Succeeded ? result.OutputTail : string.Empty;
    }

    /// <summary>Each line's first version number (<c>v20.11.1</c>, <c>10.0.401 [/usr/share/dotnet/sdk]</c>, <c>Python 3.11.2</c>).</summary>
    public static IReadOnlyList<string> Versions(string output) =>
        [.. output.Split('\n').Select(l => VersionPattern().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\bv?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?)")]
    private static partial Regex VersionPattern();
}
