// The fixture sits in the root namespace so that it wraps every test of the assembly.
using Agentic.Testing;

namespace Agentic.PullRequestDiscovery.Tests;

/// <summary>Starts a real PostgreSQL once for the run (loopback, temporary folder); each test gets its own migrated database.</summary>
[SetUpFixture]
public sealed class TestDatabase
{
    private static TemporaryPostgres? _postgres;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _postgres = new TemporaryPostgres("prd");
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

    /// <summary>A new database with the Agentic schema applied; its connection string.</summary>
    public static Task<string> CreateMigratedAsync(CancellationToken cancellationToken) =>
        (_postgres ?? throw new InvalidOperationException("PostgreSQL is not running.")).CreateMigratedDatabaseAsync(cancellationToken);
}
