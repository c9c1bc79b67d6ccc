using System.Diagnostics;
using System.Globalization;

namespace Agentic.Testing;

/// <summary>
/// A system account a server runs as when the AppHost runs as root (PostgreSQL refuses root; RabbitMQ's files
/// belong to <c>rabbitmq</c>). Without root, servers run as the current user and this is not used.
/// </summary>
public sealed record UnixAccount(string Name, int UserId, int GroupId, string Home)
{
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && NativeMethods.GetEffectiveUserId() == 0;

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

    /// <summary>Gives <paramref name="path"/> and everything below it to this account (<c>chown -R</c>).</summary>
    public async Task ChownRecursiveAsync(string path, CancellationToken cancellationToken)
    {
        var owner = string.Create(CultureInfo.InvariantCulture, $"{UserId}:{GroupId}");
        var (exitCode, output) = await RunAsync("chown", ["-R", owner, path], cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"chown -R {owner} {path} failed: {output}");
        }
    }

    /// <summary>
    /// Fails with a clear message when this account cannot write to <paramref name="directory"/>, typically because
    /// a parent folder is not traversable by others (e.g. a state folder under <c>/root</c>).
    /// </summary>
    public async Task EnsureCanWriteAsync(string directory, CancellationToken cancellationToken)
    {
        var (exitCode, _) = await RunAsync(
            "setpriv",
            [.. ChildProcessStartInfo.SetprivCredentials(this), "--", "test", "-w", directory, "-a", "-x", directory],
            cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"User '{Name}' cannot write to {directory}: every parent folder must be traversable by others (chmod o+x), " +
                "or choose a state folder elsewhere (--state-dir, AGENTIC_STATE_DIR).");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }
}
