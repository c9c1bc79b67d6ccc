using Agentic.IntegrationTests.Infrastructure;
using Agentic.Persistence;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.IntegrationTests.Persistence;

public sealed class DatabaseMigratorTests
{
    private static readonly string[] ExpectedTables =
    [
        "schema_migrations", "installations", "repositories", "pull_requests", "check_runs", "webhook_deliveries", "workflows",
        "analyses", "command_executions", "reviews", "notifications", "audit_log", "fix_workflow_sagas", "webhook_outbox",
        "result_processor_outbox_inbox_states", "result_processor_outbox_messages", "check_analyzer_outbox_inbox_states",
        "check_analyzer_outbox_messages", "pr_discovery_outbox_inbox_states", "pr_discovery_outbox_messages",
    ];

    private NpgsqlDataSource _dataSource = null!;

    [SetUp]
    public async Task CreateDatabase() => _dataSource = NpgsqlDataSource.Create(await TestEnvironment.CreateDatabaseAsync("migrator"));

    [TearDown]
    public async Task DisposeDataSource() => await _dataSource.DisposeAsync();

    [Test]
    public async Task Should_create_every_table_the_system_tracks_when_applied_to_an_empty_database()
    {
        var result = await Migrator().MigrateAsync(CancellationToken.None);

        await using var connection = await _dataSource.OpenConnectionAsync();
        var tables = (await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(result.Applied, Is.EqualTo(DatabaseMigrator.EmbeddedScripts.Select(s => s.Version)));
            Assert.That(tables, Is.SupersetOf(ExpectedTables));
        });
    }

    [Test]
    public async Task Should_move_what_the_shared_outbox_holds_to_the_service_that_owns_it()
    {
        var before = DatabaseMigrator.EmbeddedScripts.Where(s => s.Version < 17).ToList();
        await Migrator().MigrateAsync(before, CancellationToken.None);
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            // A saga's and an analyzer's outbox a crash left undelivered (one message each), and a delivered inbox row.
            await connection.ExecuteAsync("""
                INSERT INTO outbox_inbox_states (message_id, consumer_id, consumer_type, receive_count, consumed_at, delivered_at) VALUES
                    ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1', 'Agentic.ResultProcessor.StateMachines.FixWorkflowState', 1, now(), NULL),
                    ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000a2', 'Agentic.CheckAnalyzer.Consumers.AnalyzeCheckFailureConsumer', 1, now(), NULL),
                    ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-0000000000a3', 'Agentic.PullRequestDiscovery.Consumers.CheckRunCompletedConsumer', 1, now(), now());
                INSERT INTO outbox_messages (message_id, inbox_message_id, inbox_consumer_id, content_type, message_type, body, sent_time) VALUES
                    ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1', 'application/json', 'urn:message:X', '{}', now()),
                    ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000a2', 'application/json', 'urn:message:Y', '{}', now());
                """);
        }

        await Migrator().MigrateAsync(CancellationToken.None);

        await using var after = await _dataSource.OpenConnectionAsync();
        async Task<string[]> Messages(string owner) =>
            (await after.QueryAsync<string>($"SELECT message_type FROM {owner}_outbox_messages ORDER BY sequence_number")).ToArray();
        async Task<int> Inbox(string owner) => await after.ExecuteScalarAsync<int>($"SELECT count(*)::int FROM {owner}_outbox_inbox_states");
        var shared = await after.ExecuteScalarAsync<int>("SELECT count(*)::int FROM information_schema.tables WHERE table_name IN ('outbox_messages', 'outbox_inbox_states')");
        Assert.Multiple(async () =>
        {
            Assert.That(await Messages("result_processor"), Is.EqualTo(new[] { "urn:message:X" }));
            Assert.That(await Messages("check_analyzer"), Is.EqualTo(new[] { "urn:message:Y" }));
            Assert.That(await Messages("pr_discovery"), Is.Empty);
            Assert.That(await Inbox("pr_discovery"), Is.EqualTo(1), "the delivered row is kept within its retention");
            Assert.That(shared, Is.Zero, "the shared pair is gone");
        });

        // The owner's sequence continues after the moved rows.
        await after.ExecuteAsync("""
            INSERT INTO result_processor_outbox_messages (message_id, inbox_message_id, inbox_consumer_id, content_type, message_type, body, sent_time)
            VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1', 'application/json', 'urn:message:Z', '{}', now())
            """);
        Assert.That(await Messages("result_processor"), Is.EqualTo(new[] { "urn:message:X", "urn:message:Z" }));
    }

    [Test]
    public async Task Should_apply_nothing_when_run_again()
    {
        await Migrator().MigrateAsync(CancellationToken.None);

        var second = await Migrator().MigrateAsync(CancellationToken.None);

        Assert.That(second.Applied, Is.Empty);
        Assert.That(second.CurrentVersion, Is.EqualTo(DatabaseMigrator.EmbeddedScripts.Max(s => s.Version)));
    }

    [Test]
    public async Task Should_fail_naming_the_script_when_an_applied_script_has_changed()
    {
        var original = new[] { MigrationScript.Parse("0001_widgets.sql", "CREATE TABLE widgets (id int);") };
        var edited = new[] { MigrationScript.Parse("0001_widgets.sql", "CREATE TABLE widgets (id bigint);") };
        await Migrator().MigrateAsync(original, CancellationToken.None);

        var error = Assert.ThrowsAsync<MigrationChecksumMismatchException>(() => Migrator().MigrateAsync(edited, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Version, Is.EqualTo(1));
            Assert.That(error.Message, Does.Contain("0001").Or.Contain("1 (widgets)"));
        });
    }

    [Test]
    public async Task Should_apply_each_script_once_when_migrators_run_concurrently()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator().MigrateAsync(CancellationToken.None)));

        Assert.That(results.Sum(r => r.Applied.Count), Is.EqualTo(DatabaseMigrator.EmbeddedScripts.Count));
        await using var connection = await _dataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"), Is.EqualTo(DatabaseMigrator.EmbeddedScripts.Count));
    }

    [Test]
    public async Task Should_apply_only_the_new_script_and_roll_back_a_failing_one()
    {
        var first = MigrationScript.Parse("0001_widgets.sql", "CREATE TABLE widgets (id int);");
        var second = MigrationScript.Parse("0002_gadgets.sql", "CREATE TABLE gadgets (id int);");
        var broken = MigrationScript.Parse("0003_broken.sql", "CREATE TABLE half (id int); SELECT * FROM no_such_table;");
        await Migrator().MigrateAsync([first], CancellationToken.None);

        var result = await Migrator().MigrateAsync([first, second], CancellationToken.None);
        Assert.ThrowsAsync<PostgresException>(() => Migrator().MigrateAsync([first, second, broken], CancellationToken.None));

        await using var connection = await _dataSource.OpenConnectionAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(result.Applied, Is.EqualTo([2]));
            Assert.That(await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('half') IS NOT NULL"), Is.False, "the failed script left a table behind");
            Assert.That(await connection.ExecuteScalarAsync<int>("SELECT max(version) FROM schema_migrations"), Is.EqualTo(2));
        });
    }

    private DatabaseMigrator Migrator() => new(_dataSource, NullLogger<DatabaseMigrator>.Instance);
}
