using System.Diagnostics;
using Agentic.LocalServers;

namespace Agentic.Testing;

/// <summary>How to start a <see cref="ChildProcess"/>.</summary>
public sealed class ChildProcessStartInfo
{
    private static readonly string? Setsid = FindExecutable("setsid");
    private static readonly string? Setpriv = FindExecutable("setpriv");

    /// <summary>Used in messages only.</summary>
    public required string Name { get; init; }

    public required string FileName { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    /// <summary>Added to (or, with a null value, removed from) the AppHost's own environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Run as this account (via <c>setpriv</c>, which execs: the pid is the program's own). Null: as the AppHost's user.</summary>
    public UnixAccount? RunAs { get; init; }

    /// <summary>Delivered to the child if the AppHost dies without stopping it (<c>setpriv --pdeathsig</c>).</summary>
    public int ParentDeathSignal { get; init; } = Signals.Terminate;

    /// <summary>Receives every line of standard output and standard error.</summary>
    public Action<string>? Output { get; init; }

    /// <summary>How many recent lines <see cref="ChildProcess.RecentOutput"/> keeps (for error messages).</summary>
    public int RecentLines { get; init; } = 100;

    /// <summary>
    /// <c>setsid setpriv --pdeathsig SIG [--reuid ...] -- program args</c>: both exec, so the pid is the program's. The
    /// new session keeps a terminal's Ctrl+C away from the children (the AppHost stops them in order) and lets
    /// <see cref="ProcessTree.SessionMembers"/> find whatever they leave behind.
    /// </summary>
    internal ProcessStartInfo ToProcessStartInfo(out bool ownSession)
    {
        var command = new List<string>();
        ownSession = Setsid is not null;
        if (Setsid is not null)
        {
            command.Add(Setsid);
        }

        if (Setpriv is not null)
        {
            command.AddRange([Setpriv, "--pdeathsig", Signals.Name(ParentDeathSignal)]);
            if (RunAs is not null)
            {
                command.AddRange(RunAs.SetprivCredentials);
            }

            command.Add("--");
        }
        else if (RunAs is not null)
        {
            throw new LocalServerMissingException(
                $"setpriv is not installed but {Name} must run as '{RunAs.Name}': run 'sudo apt-get install -y util-linux'.");
        }

        command.Add(FileName);
        command.AddRange(Arguments);

        var startInfo = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = WorkingDirectory ?? System.Environment.CurrentDirectory,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (RunAs is not null)
        {
            startInfo.Environment["HOME"] = RunAs.Home;
            startInfo.Environment["USER"] = RunAs.Name;
            startInfo.Environment["LOGNAME"] = RunAs.Name;
        }

        foreach (var (key, value) in Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        return startInfo;
    }

    public static string? FindExecutable(string name)
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"])
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
