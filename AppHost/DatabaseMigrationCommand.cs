using System.Runtime.InteropServices;
using Agentic.Persistence;
using Agentic.ServiceDefaults;
using Microsoft.Extensions.Logging.Console;
using Npgsql;

namespace Agentic.AppHost;

/// <summary>
/// <c>migrate</c>: applies the schema migrations to <c>ConnectionStrings__agentic</c> and exits. Kubernetes runs it as
/// an init container from the AppHost's image (ADR-007), where there is no repository and no model to build: it needs
/// nothing but the connection string. Safe to run from many pods at once (the migrator takes an advisory lock).
/// </summary>
public static class DatabaseMigrationCommand
{
    /// <returns>0 when the schema is current; 1 when the connection string is missing or the migration failed.</returns>
    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(error);
        if (configuration.GetConnectionString(ResourceNames.Database) is not { Length: > 0 } connectionString)
        {
            await error.WriteLineAsync($"ConnectionStrings__{ResourceNames.Database} is not set: migrate needs the database's connection string in the environment.");
            return 1;
        }

        using var stopping = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Information));
        try
        {
            await MigrationExtensions.MigrateAsync(connectionString, loggerFactory.CreateLogger<DatabaseMigrator>(), stopping.Token);
            return 0;
        }
        catch (Exception exception) when (exception is NpgsqlException or MigrationChecksumMismatchException or TimeoutException
                                              or ArgumentException or OperationCanceledException)
        {
            // ArgumentException: a malformed connection string. The message names the problem, never the string itself.
            await error.WriteLineAsync($"The database migrations failed: {exception.Message}");
            return 1;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
    }
}
