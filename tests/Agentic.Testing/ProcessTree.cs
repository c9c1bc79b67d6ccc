using System.Globalization;

namespace Agentic.Testing;

/// <summary>
/// Finds the processes a child left behind by reading <c>/proc</c>: its descendants (while it still runs) and the
/// members of its session (after it exited too, because orphans keep their session id when re-parented).
/// </summary>
public static class ProcessTree
{
    /// <summary>One process as seen in <c>/proc/&lt;pid&gt;/stat</c>; <see cref="StartTicks"/> tells a reused pid apart.</summary>
    public readonly record struct ProcessInfo(int Pid, int ParentPid, int SessionId, char State, long StartTicks);

    public static IReadOnlyList<ProcessInfo> Snapshot()
    {
        var result = new List<ProcessInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                TryRead(pid, out var info))
            {
                result.Add(info);
            }
        }

        return result;
    }

    public static bool TryRead(int pid, out ProcessInfo info)
    {
        info = default;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid pgrp session ... starttime(22nd field)"; comm may hold spaces and parentheses.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20)
        {
            return false;
        }

        info = new ProcessInfo(
            pid,
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            fields[0][0],
            long.Parse(fields[19], CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Alive and not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => TryRead(pid, out var info) && info.State is not ('Z' or 'X');

    /// <summary>All descendants of <paramref name="pid"/> (children, grandchildren ...), live ones only.</summary>
    public static IReadOnlyList<ProcessInfo> Descendants(int pid)
    {
        var all = Snapshot();
        var byParent = all.ToLookup(p => p.ParentPid);
        var result = new List<ProcessInfo>();
        var pending = new Stack<int>();
        pending.Push(pid);
        while (pending.Count > 0)
        {
            foreach (var child in byParent[pending.Pop()])
            {
                if (child.State is 'Z' or 'X')
                {
                    continue;
                }

                result.Add(child);
                pending.Push(child.Pid);
            }
        }

        return result;
    }

    /// <summary>Live members of session <paramref name="sessionId"/> (a child started with <c>setsid</c> leads its own).</summary>
    public static IReadOnlyList<ProcessInfo> SessionMembers(int sessionId) =>
        sessionId <= 1 ? [] : Snapshot().Where(p => p.SessionId == sessionId && p.State is not ('Z' or 'X')).ToList();

    /// <summary>Sends <paramref name="signal"/> to each process still alive with the same start time (so never to a reused pid).</summary>
    public static int Signal(IEnumerable<ProcessInfo> processes, int signal)
    {
        var count = 0;
        foreach (var process in processes)
        {
            if (TryRead(process.Pid, out var now) && now.StartTicks == process.StartTicks && now.State is not ('Z' or 'X') &&
                NativeMethods.Kill(process.Pid, signal))
            {
                count++;
            }
        }

        return count;
    }
}
