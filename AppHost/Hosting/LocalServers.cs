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
    public static int FreePort(IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return 0;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
