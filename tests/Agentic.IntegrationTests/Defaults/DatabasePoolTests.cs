using Agentic.IntegrationTests.Infrastructure;
using Agentic.ServiceDefaults;
using Agentic.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Agentic.IntegrationTests.Defaults;

/// <summary><c>Database:MaxPoolSize</c> caps a service's connections to the shared server: a burst waits for a pooled connection.</summary>
public sealed class DatabasePoolTests
{
    [Test]
    public async Task Should_hold_a_service_to_its_configured_pool_size_on_a_real_server()
    {
        var connectionString = await TestEnvironment.CreateMigratedDatabaseAsync("pool");
        using var host = BuildHost(connectionString, maxPoolSize: "2");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

        await using var first = await dataSource.OpenConnectionAsync();
        await using var second = await dataSource.OpenConnectionAsync();
        var backends = await CountBackendsAsync(connectionString, dataSource);

        // A third caller waits for one of the two; it gets a connection as soon as one is returned.
        var third = dataSource.OpenConnectionAsync().AsTask();
        Assert.That(await Task.WhenAny(third, Task.Delay(TimeSpan.FromMilliseconds(300))), Is.Not.SameAs(third), "the pool is full");
        await first.DisposeAsync();
        await using var connection = await third;
        Assert.Multiple(() =>
        {
            Assert.That(backends, Is.EqualTo(2));
            Assert.That(connection.State, Is.EqualTo(System.Data.ConnectionState.Open));
        });
    }

    [Test]
    public void Should_refuse_a_pool_size_out_of_range_naming_the_setting()
    {
        using var host = BuildHost("Host=127.0.0.1;Database=agentic;Username=postgres", maxPoolSize: "0");
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<NpgsqlDataSource>());
        Assert.That(error!.Message, Does.Contain("Database:MaxPoolSize"));
    }

    private static IHost BuildHost(string connectionString, string maxPoolSize)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "pool-test-" + Guid.NewGuid().ToString("N")[..8] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Database}"] = connectionString,
            [DataExtensions.MaxPoolSizeKey] = maxPoolSize,
        });
        builder.AddAgenticDatabase();
        return builder.Build();
    }

    /// <summary>The server-side sessions this data source holds, counted by its application name from a separate connection.</summary>
    private static async Task<long> CountBackendsAsync(string connectionString, NpgsqlDataSource dataSource)
    {
        var applicationName = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).ApplicationName;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name", connection);
        command.Parameters.AddWithValue("name", applicationName!);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
