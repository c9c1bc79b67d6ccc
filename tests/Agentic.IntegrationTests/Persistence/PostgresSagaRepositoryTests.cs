using Agentic.IntegrationTests.Infrastructure;
using Agentic.Persistence.Sagas;
using Agentic.ServiceDefaults;
using Agentic.ServiceDefaults.Data;
using Agentic.ServiceDefaults.Messaging;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.IntegrationTests.Persistence;

/// <summary>The saga repository over real PostgreSQL, fed through real RabbitMQ.</summary>
public sealed class PostgresSagaRepositoryTests
{
    private const string Table = "test_counter_sagas";
    private string _connectionString = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _connectionString = await TestEnvironment.CreateMigratedDatabaseAsync("saga");
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.ExecuteAsync($"CREATE TABLE {Table} (LIKE fix_workflow_sagas INCLUDING ALL)");
    }

    [Test]
    public async Task Should_count_every_message_when_many_arrive_at_once_for_one_new_saga()
    {
        const int messages = 300;
        var id = NewId.NextGuid();
        using var host = await StartHostAsync(concurrency: 32);
        var bus = host.Services.GetRequiredService<IBus>();

        await Task.WhenAll(Enumerable.Range(0, messages).Select(_ => bus.Publish(new CounterIncremented { CorrelationId = id })));
        var (count, version) = await WaitForCountAsync(id, messages, TimeSpan.FromSeconds(90));

        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(messages), "an update was lost or applied twice");
            Assert.That(version, Is.EqualTo(messages + 1), "the insert sets version 1 and each message bumps it once");
        });
        await host.StopAsync();
    }

    [Test]
    public async Task Should_continue_from_the_stored_state_when_the_process_restarts_midway()
    {
        var id = NewId.NextGuid();
        using (var first = await StartHostAsync(concurrency: 8))
        {
            var bus = first.Services.GetRequiredService<IBus>();
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => bus.Publish(new CounterIncremented { CorrelationId = id })));
            await WaitForCountAsync(id, 20, TimeSpan.FromSeconds(60));
            await first.StopAsync();
        }

        // Published while no consumer runs: the messages wait in the durable queue.
        await using (var publisherOnly = await StartPublisherAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => publisherOnly.Bus.Publish(new CounterIncremented { CorrelationId = id })));
        }

        using var second = await StartHostAsync(concurrency: 8);
        var (count, _) = await WaitForCountAsync(id, 30, TimeSpan.FromSeconds(60));
        Assert.That(count, Is.EqualTo(30));
        await second.StopAsync();
    }

    [Test]
    public async Task Should_refuse_query_correlation_with_a_clear_error()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var factory = new PostgresSagaRepositoryContextFactory<CounterState>(
            dataSource, new PostgresSagaOptions<CounterState>(Table), new MassTransit.Saga.SagaConsumeContextFactory<PostgresSagaDatabaseContext<CounterState>, CounterState>());

        var error = Assert.ThrowsAsync<NotSupportedException>(() => factory.SendQuery<CounterIncremented>(null!, null!, null!));

        Assert.That(error!.Message, Does.Contain("CorrelateById"));
    }

    [Test]
    public void Should_reject_a_table_name_that_is_not_a_plain_identifier()
    {
        Assert.Throws<ArgumentException>(() => _ = new PostgresSagaOptions<CounterState>("sagas; DROP TABLE workflows"));
    }

    private async Task<IHost> StartHostAsync(int concurrency)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
        Configure(builder);
        builder.Configuration.AddInMemoryCollection(Concurrency(concurrency));
        builder.AddAgenticDatabase();
        builder.AddAgenticMessaging(bus => bus.AddSagaStateMachine<CounterStateMachine, CounterState>().PostgresRepository(Table));
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }

    private async Task<PublisherHost> StartPublisherAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
        Configure(builder);
        builder.AddAgenticMessaging();
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return new PublisherHost(host);
    }

    private void Configure(HostApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Database}"] = _connectionString,
            [$"ConnectionStrings:{ResourceNames.Messaging}"] = TestEnvironment.RabbitMq.ConnectionString,
            ["Messaging:RetryLimit"] = "10",
        });

        // MassTransit keeps the first bus's logger factory in a static; an instance registration is never disposed
        // by the container, so hosts started one after another in this process keep working.
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
    }

    private static Dictionary<string, string?> Concurrency(int concurrency) => new()
    {
        ["Messaging:ConcurrentMessageLimit"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging:PrefetchCount"] = (concurrency * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<(int Count, int Version)> WaitForCountAsync(Guid id, int expected, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        var deadline = DateTime.UtcNow + timeout;
        (int Count, int Version) last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await connection.QuerySingleOrDefaultAsync<(int, int)>(
                $"SELECT (data->>'Count')::int, version FROM {Table} WHERE correlation_id = @id", new { id });
            if (last.Count >= expected)
            {
                // Give stragglers (a double application) a moment to show up before answering.
                await Task.Delay(500);
                return await connection.QuerySingleAsync<(int, int)>($"SELECT (data->>'Count')::int, version FROM {Table} WHERE correlation_id = @id", new { id });
            }

            await Task.Delay(100);
        }

        return last;
    }

    private sealed class PublisherHost(IHost host) : IAsyncDisposable
    {
        public IBus Bus => host.Services.GetRequiredService<IBus>();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
