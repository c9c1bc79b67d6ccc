using System.Globalization;
using Agentic.Executor.Options;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Sandbox;

/// <summary>
/// Per-command cgroups for the process and memory limits that rlimits cannot give a root-owned service
/// (RLIMIT_NPROC is not enforced for uid 0, even inside a user namespace). cgroup v1 (<c>pids/</c>, <c>memory/</c>
/// hierarchies) and v2 (one unified hierarchy) are both handled; when neither is writable the limits are skipped and
/// <see cref="Available"/> says so.
/// </summary>
public sealed partial class CgroupLimits(IOptions<ExecutorOptions> options, ILogger<CgroupLimits> logger)
{
    private const string Parent = "agentic-sandbox";
    private int _warned;

    /// <summary>Which controllers the last group got ("pids", "memory"); empty when cgroups are not writable.</summary>
    public IReadOnlyList<string> Available { get; private set; } = [];

    public CgroupGroup Create(long memoryBytes, int maxProcesses)
    {
        var root = options.Value.Sandbox.CgroupRoot;
        var name = Guid.NewGuid().ToString("N");
        var directories = new List<string>();
        var controllers = new List<string>();
        try
        {
            if (File.Exists(Path.Combine(root, "cgroup.controllers")))
            {
                // v2: enable the controllers for our parent's children, then set both limits on one group.
                var parent = Path.Combine(root, Parent);
                Directory.CreateDirectory(parent);
                TryWrite(Path.Combine(root, "cgroup.subtree_control"), "+pids +memory");
                TryWrite(Path.Combine(parent, "cgroup.subtree_control"), "+pids +memory");
                var group = Path.Combine(parent, name);
                Directory.CreateDirectory(group);
                directories.Add(group);
                if (maxProcesses > 0 && TryWrite(Path.Combine(group, "pids.max"), maxProcesses.ToString(CultureInfo.InvariantCulture)))
                {
                    controllers.Add("pids");
                }

                if (memoryBytes > 0 && TryWrite(Path.Combine(group, "memory.max"), memoryBytes.ToString(CultureInfo.InvariantCulture)))
                {
                    TryWrite(Path.Combine(group, "memory.swap.max"), "0");
                    controllers.Add("memory");
                }
            }
            else
            {
                if (maxProcesses > 0 && Directory.Exists(Path.Combine(root, "pids")))
                {
                    var group = Path.Combine(root, "pids", Parent, name);
                    Directory.CreateDirectory(group);
                    directories.Add(group);
                    if (TryWrite(Path.Combine(group, "pids.max"), maxProcesses.ToString(CultureInfo.InvariantCulture)))
                    {
                        controllers.Add("pids");
                    }
                }

                if (memoryBytes > 0 && Directory.Exists(Path.Combine(root, "memory")))
                {
                    var group = Path.Combine(root, "memory", Parent, name);
                    Directory.CreateDirectory(group);
                    directories.Add(group);
                    if (TryWrite(Path.Combine(group, "memory.limit_in_bytes"), memoryBytes.ToString(CultureInfo.InvariantCulture)))
                    {
                        TryWrite(Path.Combine(group, "memory.memsw.limit_in_bytes"), memoryBytes.ToString(CultureInfo.InvariantCulture));
                        controllers.Add("memory");
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                LogUnavailable(logger, root, e.Message);
            }

            foreach (var directory in directories)
            {
                TryRemove(directory);
            }

            Available = [];
            return new CgroupGroup([]);
        }

        Available = controllers;
        return new CgroupGroup(directories);
    }

    private static bool TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static void TryRemove(string directory)
    {
        try
        {
            Directory.Delete(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still has processes or already gone; a later run's cleanup is not needed for correctness.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "cgroups under {Root} are not writable ({Reason}): sandboxed commands run without process and memory limits")]
    private static partial void LogUnavailable(ILogger logger, string root, string reason);
}

/// <summary>The cgroup directories of one command; kills what is left in them and removes them on dispose.</summary>
public sealed class CgroupGroup(IReadOnlyList<string> directories) : IDisposable
{
    public IReadOnlyList<string> ProcsFiles { get; } = [.. directories.Select(d => Path.Combine(d, "cgroup.procs"))];

    /// <summary>SIGKILL to every process still in the group (e.g. daemons the command left behind).</summary>
    public void KillAll()
    {
        foreach (var directory in directories)
        {
            var kill = Path.Combine(directory, "cgroup.kill");
            if (File.Exists(kill))
            {
                try
                {
                    File.WriteAllText(kill, "1");
                    continue;
                }
                catch (IOException)
                {
                    // Fall back to one signal per process.
                }
            }

            foreach (var pid in ReadPids(Path.Combine(directory, "cgroup.procs")))
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already.
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var directory in directories)
        {
            for (var i = 0; i < 20 && ReadPids(Path.Combine(directory, "cgroup.procs")).Count > 0; i++)
            {
                Thread.Sleep(10);
            }

            CgroupLimits.TryRemove(directory);
        }
    }

    private static List<int> ReadPids(string procs)
    {
        try
        {
            return [.. File.ReadAllLines(procs).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
