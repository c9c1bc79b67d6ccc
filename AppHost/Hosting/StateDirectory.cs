namespace Agentic.AppHost.Hosting;

/// <summary>
/// The folder that keeps PostgreSQL's and RabbitMQ's data and this installation's secrets (<see cref="LocalSecrets"/>)
/// between runs. One AppHost at a time may use it (a lock file says so); <c>--reset</c> wipes the data first and keeps
/// the secrets.
/// </summary>
public sealed class StateDirectory : IDisposable
{
    private const string LockFileName = ".apphost.lock";
    private const string SecretsFolderName = "secrets";
    private const UnixFileMode TraversableFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                                 UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private FileStream? _lock;

    public StateDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string PostgresData => System.IO.Path.Combine(Path, "postgres");

    public string RabbitMqData => System.IO.Path.Combine(Path, "rabbitmq");

    /// <summary>The secrets folder (mode 0700, one file per secret, mode 0600); see <see cref="LocalSecrets"/>.</summary>
    public string Secrets => System.IO.Path.Combine(Path, SecretsFolderName);

    /// <summary>
    /// <paramref name="configured"/>, else <c>$AGENTIC_STATE_DIR</c>, else <c>/var/lib/agentic</c> as root, else
    /// <c>${XDG_STATE_HOME:-~/.local/state}/agentic</c>.
    /// </summary>
    public static string Resolve(string? configured)
    {
        if ((string.IsNullOrWhiteSpace(configured) ? Environment.GetEnvironmentVariable("AGENTIC_STATE_DIR") : configured) is { Length: > 0 } chosen)
        {
            return ExpandHome(chosen);
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
        Directory.CreateDirectory(Path, TraversableFolder);
        File.SetUnixFileMode(Path, TraversableFolder);
        try
        {
            _lock = new FileStream(System.IO.Path.Combine(Path, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException($"The state folder {Path} is in use by another AppHost; stop it or choose another folder with --state-dir.", exception);
        }
    }

    /// <summary>
    /// Deletes everything in the folder but the lock and the secrets (call after <see cref="Acquire"/>): the new
    /// PostgreSQL and RabbitMQ get the same passwords, and GitHub keeps the webhook secret it was given.
    /// </summary>
    public void Reset()
    {
        foreach (var entry in new DirectoryInfo(Path).EnumerateFileSystemInfos().Where(entry => entry.Name is not (LockFileName or SecretsFolderName)))
        {
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
