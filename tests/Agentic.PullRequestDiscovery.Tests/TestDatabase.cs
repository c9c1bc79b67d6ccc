// The fixture sits in the root namespace so that it wraps every test of the assembly.
using Agentic.AppHost.Infrastructure;
using Agentic.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Tests;

/// <summary>Starts a real PostgreSQL once for the run (loopback, temporary folder); each test gets its own migrated database.</summary>
[SetUpFixture]
public sealed class TestDatabase
{
    private static PostgresServer? _postgres;
    private static string? _root;

    private static PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL is not running.");

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _root = Path.Combine(Path.GetTempPath(), $"agentic-prd-tests-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(_root);
        _postgres = new PostgresServer(Path.Combine(_root, "postgres"), new PostgresServerOptions { Database = null });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _postgres.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A new database with the Agentic schema applied; its connection string.</summary>
    public static async Task<string> CreateMigratedAsync(CancellationToken cancellationToken)
    {
        var name = $"prd_{Guid.NewGuid():N}";
        await Postgres.CreateDatabaseAsync(name, cancellationToken);
        var connectionString = Postgres.GetConnectionString(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(cancellationToken);
        return connectionString;
    }
}
