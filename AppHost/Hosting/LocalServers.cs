using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Agentic.AppHost.Hosting;

/// <summary>A server binary the model needs is not installed; the message is one line naming the package.</summary>
public sealed class LocalServerMissingException(string message) : Exception(message);

/// <summary>What <see cref="LocalPostgresExtensions"/> and <see cref="LocalRabbitMqExtensions"/> share.</summary>
internal static class LocalServers
{
    /// <summary>Servers refuse root or own their files under their own account: as root, they run as that account.</summary>
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>In run mode, the found path or a one-line "install it" error; when publishing, whatever was found.</summary>
    public static string? Require(IDistributedApplicationBuilder builder, string? found, string product, string package) =>
        found is null && builder.ExecutionContext.IsRunMode
            ? throw new LocalServerMissingException($"{product} is not installed: run 'sudo apt-get install -y {package}' (or ./AppHost/run.sh, which installs it).")
            : found;

    /// <summary>A free port on 127.0.0.1 for this run (none is needed to publish).</summary>
    public static int FreePort(IDistributedApplicationBuilder builder) => builder.ExecutionContext.IsRunMode ? FreePort() : 0;

    /// <summary>A port on 127.0.0.1 that no one listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A health check named <paramref name="name"/>: healthy once <paramref name="probe"/> succeeds, unhealthy with the
    /// message of a failure it expects. One check keeps probing for up to <see cref="ProbeFor"/>: Aspire waits 1, 2, 3,
    /// 4, then 5 s between the checks of a resource not yet healthy, so a server ready just after a check would
    /// otherwise hold everything that waits for it for seconds.
    /// </summary>
    public static void AddProbe(IDistributedApplicationBuilder builder, string name, Func<CancellationToken, Task> probe, Func<Exception, bool> expected) =>
        builder.Services.AddHealthChecks().AddAsyncCheck(name, async cancellationToken =>
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await probe(cancellationToken);
                    return HealthCheckResult.Healthy();
                }
                catch (Exception exception) when (expected(exception))
                {
                    if (clock.Elapsed >= ProbeFor)
                    {
                        return HealthCheckResult.Unhealthy(exception.Message);
                    }
                }

                await Task.Delay(ProbeInterval, cancellationToken);
            }
        });

    /// <summary>How long one health check keeps probing a resource that is not ready, and how often.</summary>
    public static readonly TimeSpan ProbeFor = TimeSpan.FromSeconds(4);

    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Gives the folders, with what they hold, to the servers' <paramref name="account"/> (none: they run as this user).</summary>
    public static Task GiveAsync(string? account, IReadOnlyList<string> folders, CancellationToken cancellationToken) =>
        account is null ? Task.CompletedTask : RunAsync("chown", ["-R", $"{account}:{account}", .. folders], cancellationToken);

    /// <summary><c>setpriv</c> (which execs: the pid is the program's own, and signals reach it) when an account is given.</summary>
    public static (string Command, string[] Prefix) RunAs(string? account, string program) =>
        account is null ? (program, []) : ("setpriv", [$"--reuid={account}", $"--regid={account}", "--init-groups", "--", program]);

    public static async Task RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await output + await error).Trim()}");
        }
    }
}
