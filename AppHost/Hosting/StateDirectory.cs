using Agentic.AppHost.Infrastructure;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// The folder that keeps PostgreSQL's and RabbitMQ's data between runs. One AppHost at a time may use it (a lock file
/// says so); <c>--reset</c> wipes it first.
/// </summary>
public sealed class StateDirectory : IDisposable
{
    private const string LockFileName = ".apphost.lock";
    private FileStream? _lock;

    public StateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string PostgresData => System.IO.Path.Combine(Path, "postgres");

    public string RabbitMqData => System.IO.Path.Combine(Path, "rabbitmq");

    /// <summary>
    /// <paramref name="configured"/>, else <c>$AGENTIC_STATE_DIR</c>, else <c>/var/lib/agentic</c> as root, else
    /// <c>${XDG_STATE_HOME:-~/.local/state}/agentic</c>.
    /// </summary>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return ExpandHome(configured);
        }

        if (Environment.GetEnvironmentVariable("AGENTIC_STATE_DIR") is { Length: > 0 } fromEnvironment)
        {
            return ExpandHome(fromEnvironment);
        }

        if (UnixAccount.IsRoot)
        {
            return "/var/lib/agentic";
        }

        var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return System.IO.Path.Combine(stateHome, "agentic");
    }

    /// <summary>Creates the folder (traversable, so the servers' users reach their subfolders) and takes the lock.</summary>
    public void Acquire()
    {
        UnixFolders.Create(Path, UnixFolders.Traversable);
        UnixFolders.SetMode(Path, UnixFolders.Traversable);
        try
        {
            _lock = new FileStream(System.IO.Path.Combine(Path, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException($"The state folder {Path} is in use by another AppHost; stop it or choose another folder with --state-dir.", exception);
        }
    }

    /// <summary>Deletes everything in the folder but the lock (call after <see cref="Acquire"/>).</summary>
    public void Reset()
    {
        foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos())
        {
            if (string.Equals(entry.Name, LockFileName, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;
}
