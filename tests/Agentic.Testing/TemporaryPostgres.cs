using Agentic.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.Testing;

/// <summary>
/// A real PostgreSQL for one test assembly: loopback, a free
/// port, data in a temporary folder removed at the end; each test asks for its own database with the Agentic schema.
/// </summary>
public sealed class TemporaryPostgres(string prefix) : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"agentic-{prefix}-tests-{Guid.NewGuid():N}"[..(prefix.Length + 21)]);
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL is not running.");

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_root);
        _server = new PostgresServer(Path.Combine(_root, "postgres"), new PostgresServerOptions { Database = null });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _server.StartAsync(timeout.Token);
    }

    /// <summary>A new database with the Agentic schema applied; its connection string.</summary>
    public async Task<string> CreateMigratedDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await Server.CreateDatabaseAsync(name, cancellationToken);
        var connectionString = Server.GetConnectionString(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(cancellationToken);
        return connectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
