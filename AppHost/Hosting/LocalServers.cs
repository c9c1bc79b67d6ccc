using System.Diagnostics;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// What <see cref="LocalPostgresExtensions"/> and <see cref="LocalRabbitMqExtensions"/> share in Aspire's terms; how the
/// servers themselves are laid out and run is in <c>Agentic.LocalServers</c>, which the test library uses too.
/// </summary>
internal static class LocalServers
{
    /// <summary>In run mode, the found installation or a one-line "install it" error; when publishing, whatever was found.</summary>
    public static T? Require<T>(IDistributedApplicationBuilder builder, T? found, string product, string package)
        where T : class =>
        found is null && builder.ExecutionContext.IsRunMode ? throw LocalServerMissingException.NotInstalled(product, package) : found;

    /// <summary>In run mode, the unprivileged account a server runs as when the AppHost is root (<see cref="UnixAccount.ForServer"/>).</summary>
    public static UnixAccount? Account(IDistributedApplicationBuilder builder, string product, string name, string package) =>
        builder.ExecutionContext.IsRunMode ? UnixAccount.ForServer(product, name, package) : null;

    /// <summary>A free port on 127.0.0.1 for this run (none is needed to publish).</summary>
    public static int Port(IDistributedApplicationBuilder builder) => builder.ExecutionContext.IsRunMode ? FreePort.Find() : 0;

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

    /// <summary>Gives the folder, with what it holds, to the servers' <paramref name="account"/> (none: they run as this user).</summary>
    public static Task GiveAsync(UnixAccount? account, string folder, CancellationToken cancellationToken) =>
        account is null ? Task.CompletedTask : account.ChownRecursiveAsync(folder, cancellationToken);

    /// <summary><c>setpriv</c> (which execs: the pid is the program's own, and signals reach it) when an account is given.</summary>
    public static (string Command, string[] Prefix) RunAs(UnixAccount? account, string program) =>
        account is null ? (program, []) : ("setpriv", [.. account.SetprivCredentials, "--", program]);
}
