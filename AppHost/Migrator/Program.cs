using System.Runtime.InteropServices;
using Agentic.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

// Applies the schema migrations to ConnectionStrings__agentic and exits: 0 when the schema is current, 1 otherwise.
// The AppHost runs it before the services (WaitForCompletion); Kubernetes runs it as an init container (ADR-007).
// A database that does not exist yet is created first (a new local PostgreSQL has only "postgres"). Safe to run from
// many pods at once: the migrator takes an advisory lock.
const string connectionName = "agentic";
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
if (configuration.GetConnectionString(connectionName) is not { Length: > 0 } connectionString)
{
    await Console.Error.WriteLineAsync($"ConnectionStrings__{connectionName} is not set: the migrator needs the database's connection string in the environment.");
    return 1;
}

using var stopping = new CancellationTokenSource();
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Information));
try
{
    await CreateDatabaseIfMissingAsync(connectionString, stopping.Token);
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var result = await new DatabaseMigrator(dataSource, loggerFactory.CreateLogger<DatabaseMigrator>()).MigrateAsync(stopping.Token);
    await Console.Out.WriteLineAsync($"Schema at version {result.CurrentVersion} ({result.Applied.Count} migrations applied now).");
    return 0;
}
catch (Exception exception) when (exception is NpgsqlException or MigrationChecksumMismatchException or TimeoutException
                                      or ArgumentException or OperationCanceledException)
{
    // ArgumentException: a malformed connection string. The message names the problem, never the string itself.
    await Console.Error.WriteLineAsync($"The database migrations failed: {exception.Message}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

static async Task CreateDatabaseIfMissingAsync(string connectionString, CancellationToken cancellationToken)
{
    var target = new NpgsqlConnectionStringBuilder(connectionString);
    try
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return;
    }
    catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
    {
        // Created below, from the maintenance database.
    }

    if (target.Database is not { Length: > 0 } name || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
    {
        throw new ArgumentException("The database name in the connection string must be plain ([a-z0-9_]) to be created.");
    }

    await using var maintenance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString);
    await maintenance.OpenAsync(cancellationToken);
    try
    {
        // An identifier cannot be a parameter; the name was checked above.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", maintenance);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }
    catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
    {
        // Created concurrently: fine.
    }
}
