using System.Globalization;
using System.Runtime.InteropServices;
using Agentic.Executor.Options;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Sandbox;

/// <summary>An unprivileged host account: what sandboxed commands run as when the Executor runs as root.</summary>
public sealed record SandboxIdentity(string Name, int UserId, int GroupId);

/// <summary>
/// Who sandboxed commands run as on the host. As root, the Executor starts them as <see cref="SandboxOptions.User"/>
/// (<c>setpriv --reuid --regid --clear-groups</c> before bubblewrap): file permissions then protect the host, since
/// a user namespace alone maps the sandbox user to host root for file access. Without root they run as the Executor's
/// own user and <see cref="Identity"/> is null.
/// </summary>
public sealed partial class SandboxAccount
{
    public SandboxAccount(IOptions<ExecutorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IsRoot)
        {
            return;
        }

        var name = options.Value.Sandbox.User;
        Identity = Find(name) ?? throw new InvalidOperationException(MissingMessage(name));
        if (Identity.UserId == 0)
        {
            throw new InvalidOperationException($"Executor:Sandbox:User '{name}' is root; sandboxed commands need an unprivileged account.");
        }
    }

    /// <summary>True when the Executor runs as root (effective uid 0).</summary>
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    /// <summary>The account sandboxed commands switch to; null when they run as the Executor's own (unprivileged) user.</summary>
    public SandboxIdentity? Identity { get; }

    public static string MissingMessage(string name) =>
        $"The Executor runs as root but the sandbox account '{name}' (Executor:Sandbox:User) does not exist: " +
        $"create it with `useradd --system --no-create-home --shell /usr/sbin/nologin {name}` (AppHost/prerequisites.sh does).";

    /// <summary>The account from <c>/etc/passwd</c>, or null.</summary>
    public static SandboxIdentity? Find(string name)
    {
        if (string.IsNullOrEmpty(name) || !File.Exists("/etc/passwd"))
        {
            return null;
        }

        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 7 && string.Equals(fields[0], name, StringComparison.Ordinal))
            {
                return new SandboxIdentity(name, int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    /// <summary>
    /// Gives the working tree of <paramref name="workspace"/> (not its <c>.git</c>, which stays the Executor's and
    /// read-only inside the sandbox) to the sandbox account, so commands can write there. Symbolic links are changed
    /// themselves (<c>lchown</c>) and never followed. Called before each sandboxed command: files host-side git wrote
    /// since (an applied diff) become writable too. Nothing else runs in the workspace meanwhile: a sandbox's processes
    /// end with its PID namespace.
    /// </summary>
    public void GrantWorkspace(string workspace)
    {
        if (Identity is not { } identity)
        {
            return;
        }

        Change(workspace, identity);
        var pending = new Stack<string>();
        pending.Push(workspace);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }))
            {
                if (directory == workspace && entry.Name == ".git")
                {
                    continue;
                }

                Change(entry.FullName, identity);
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    pending.Push(entry.FullName);
                }
            }
        }
    }

    /// <summary>Gives <paramref name="folder"/> itself (not its contents) to the sandbox account: a cache it fills during setup.</summary>
    public void GrantFolder(string folder)
    {
        if (Identity is { } identity)
        {
            Change(folder, identity);
        }
    }

    private static void Change(string path, SandboxIdentity identity)
    {
        if (LChown(path, identity.UserId, identity.GroupId) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 2)
            {
                throw new IOException($"Cannot give {path} to the sandbox account (errno {errno}).");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int LChown(string path, int owner, int group);
}
