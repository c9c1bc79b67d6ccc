using System.Runtime.InteropServices;

namespace Agentic.AppHost.Infrastructure;

/// <summary>The few libc calls .NET has no managed API for: sending a chosen signal and asking who we run as.</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial uint SysGetEffectiveUserId();

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process does not exist (any more).</summary>
    public static bool Kill(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    public static uint GetEffectiveUserId() => SysGetEffectiveUserId();
}
