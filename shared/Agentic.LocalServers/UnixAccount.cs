using System.Globalization;

namespace Agentic.LocalServers;

/// <summary>
/// A system account a server runs as when we are root (PostgreSQL refuses root; RabbitMQ's files belong to
/// <c>rabbitmq</c>). Without root, servers run as the current user and this is not used.
/// </summary>
public sealed record UnixAccount(string Name, int UserId, int GroupId, string Home)
{
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

    /// <summary><c>setpriv</c>'s options that switch to this account (its ids, and its groups).</summary>
    public IReadOnlyList<string> SetprivCredentials =>
    [
        string.Create(CultureInfo.InvariantCulture, $"--reuid={UserId}"),
        string.Create(CultureInfo.InvariantCulture, $"--regid={GroupId}"),
        "--init-groups",
    ];

    /// <summary>The account from <c>/etc/passwd</c>, or null.</summary>
    public static UnixAccount? Find(string name)
    {
        if (!File.Exists("/etc/passwd"))
        {
            return null;
        }

        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 7 && string.Equals(fields[0], name, StringComparison.Ordinal))
            {
                return new UnixAccount(
                    name,
                    int.Parse(fields[2], CultureInfo.InvariantCulture),
                    int.Parse(fields[3], CultureInfo.InvariantCulture),
                    fields[5]);
            }
        }

        return null;
    }

    /// <summary>
    /// The account a server runs as: <paramref name="name"/> when we are root, else null (the current user). Throws
    /// <see cref="LocalServerMissingException"/> when we are root and the package that creates the account is missing.
    /// </summary>
    public static UnixAccount? ForServer(string product, string name, string package) =>
        !IsRoot ? null : Find(name) ?? throw LocalServerMissingException.NotInstalled($"{product}'s system user '{name}'", package);

    /// <summary>Gives <paramref name="path"/> and everything below it to this account (<c>chown -R</c>).</summary>
    public async Task ChownRecursiveAsync(string path, CancellationToken cancellationToken)
    {
        var owner = string.Create(CultureInfo.InvariantCulture, $"{UserId}:{GroupId}");
        await ShortCommand.RunCheckedAsync("chown", ["-R", owner, path], cancellationToken);
    }

    /// <summary>
    /// Fails with a clear message when this account cannot write to <paramref name="directory"/>, typically because
    /// a parent folder is not traversable by others (e.g. a state folder under <c>/root</c>).
    /// </summary>
    public async Task EnsureCanWriteAsync(string directory, CancellationToken cancellationToken)
    {
        var (exitCode, _) = await ShortCommand.RunAsync("setpriv", [.. SetprivCredentials, "--", "test", "-w", directory, "-a", "-x", directory], cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"User '{Name}' cannot write to {directory}: every parent folder must be traversable by others (chmod o+x), " +
                "or choose a state folder elsewhere (--state-dir, AGENTIC_STATE_DIR).");
        }
    }
}
