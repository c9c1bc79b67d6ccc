using System.Runtime.InteropServices;

namespace Agentic.Testing;

/// <summary>The few libc calls .NET has no managed API for: sending a chosen signal and restoring a signal's default disposition.</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial nint SysSignal(int signal, nint handler);

    /// <summary>
    /// Resets <paramref name="signal"/> to its default disposition. A shell starts background jobs (<c>cmd &amp;</c>) with
    /// SIGINT ignored, and .NET then never handles it: the AppHost would not stop on SIGINT at all.
    /// </summary>
    public static void RestoreDefaultDisposition(int signal) => SysSignal(signal, 0);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process does not exist (any more).</summary>
    public static bool Kill(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;
}
