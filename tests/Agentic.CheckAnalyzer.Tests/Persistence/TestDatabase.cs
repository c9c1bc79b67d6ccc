using Agentic.Testing;
using Dapper;
using Npgsql;

namespace Agentic.CheckAnalyzer.Tests.Persistence;

/// <summary>Starts a real PostgreSQL once for this namespace's tests (loopback, temporary folder); each test gets its own migrated database.</summary>
[SetUpFixture]
public sealed class TestDatabase
{
    private static TemporaryPostgres? _postgres;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _postgres = new TemporaryPostgres("ca");
        await _postgres.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A new database with the Agentic schema applied.</summary>
    public static async Task<NpgsqlDataSource> CreateMigratedAsync(CancellationToken cancellationToken)
    {
        var postgres = _postgres ?? throw new InvalidOperationException("PostgreSQL is not running.");
        return NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync(cancellationToken));
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
