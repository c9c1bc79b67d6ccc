using Agentic.AppHost.Infrastructure;
using Agentic.Persistence;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.CheckAnalyzer.Tests.Persistence;

/// <summary>Starts a real PostgreSQL once for this namespace's tests (loopback, temporary folder); each test gets its own migrated database.</summary>
[SetUpFixture]
public sealed class TestDatabase
{
    private static PostgresServer? _postgres;
    private static string? _root;

    private static PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL is not running.");

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _root = Path.Combine(Path.GetTempPath(), $"agentic-ca-tests-{Guid.NewGuid():N}"[..28]);
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

    /// <summary>A new database with the Agentic schema applied.</summary>
    public static async Task<NpgsqlDataSource> CreateMigratedAsync(CancellationToken cancellationToken)
    {
        var name = $"ca_{Guid.NewGuid():N}";
        await Postgres.CreateDatabaseAsync(name, cancellationToken);
        var dataSource = NpgsqlDataSource.Create(Postgres.GetConnectionString(name));
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(cancellationToken);
        return dataSource;
    }

    /// <summary>The fix workflow row PR Discovery would have claimed (an analysis references it).</summary>
    public static async Task AddWorkflowAsync(NpgsqlDataSource dataSource, Guid workflowId, long repositoryId, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO workflows (id, kind, repository_id, pr_number, head_sha, check_name, state)
            VALUES (@workflowId, 'fix', @repositoryId, 7, @headSha, @checkName, 'Analysing')
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { workflowId, repositoryId, headSha = Guid.NewGuid().ToString("N"), checkName = $"build-{workflowId:N}" }, cancellationToken: cancellationToken));
    }
}
