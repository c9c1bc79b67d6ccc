// The fixture sits in the root namespace so that it wraps every test of the assembly.
using Agentic.Persistence;
using Agentic.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.IntegrationTests;

/// <summary>
/// Starts real PostgreSQL and RabbitMQ once for the whole run, on free loopback ports with data in a temporary
/// folder, and stops them afterwards. Tests get their own database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    private static PostgresServer? _postgres;
    private static RabbitMqServer? _rabbitMq;
    private static string? _root;

    public static PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL is not running.");

    public static RabbitMqServer RabbitMq => _rabbitMq ?? throw new InvalidOperationException("RabbitMQ is not running.");

    /// <summary>A scratch folder for this run, removed at the end.</summary>
    public static string Root => _root ?? throw new InvalidOperationException("The test environment is not set up.");

    [OneTimeSetUp]
    public async Task StartServers()
    {
        _root = Path.Combine(Path.GetTempPath(), $"agentic-tests-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(_root);
        _postgres = new PostgresServer(Path.Combine(_root, "postgres"), new PostgresServerOptions
        {
            Database = null,
            // Whole-system tests run every service against this server: their pools (Database:MaxPoolSize) add up to 172.
            Settings = new Dictionary<string, string> { ["max_connections"] = "300" },
        });
        _rabbitMq = new RabbitMqServer(Path.Combine(_root, "rabbitmq"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Task.WhenAll(_postgres.StartAsync(timeout.Token), _rabbitMq.StartAsync(timeout.Token));
        TestContext.Progress.WriteLine($"PostgreSQL on {_postgres.Port} (pid {_postgres.Pid}), RabbitMQ on {_rabbitMq.Port} (pid {_rabbitMq.Pid})");
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        if (_rabbitMq is not null)
        {
            await _rabbitMq.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A new, empty database; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await Postgres.CreateDatabaseAsync(name, CancellationToken.None);
        return Postgres.GetConnectionString(name);
    }

    /// <summary>A new database with the Agentic schema applied.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string prefix)
    {
        var connectionString = await CreateDatabaseAsync(prefix);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return connectionString;
    }
}
