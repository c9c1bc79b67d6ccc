using Agentic.Testing;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>
/// Issue 9's infrastructure credentials, on the real servers the AppHost runs: PostgreSQL trusts nobody, RabbitMQ has no
/// guest/guest, and nothing of either listens beyond loopback.
/// </summary>
public sealed class InfrastructureCredentialsTests
{
    [Test]
    public async Task Should_refuse_postgres_connections_without_the_password_and_accept_the_configured_one()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var password = $"pg-{Guid.NewGuid():N}";
        await using var server = new PostgresServer(Path.Combine(TestEnvironment.Root, $"pg-credentials-{Guid.NewGuid():N}"[..27]),
            new PostgresServerOptions { Database = null, Password = password, Settings = new Dictionary<string, string> { ["fsync"] = "off" } });
        await server.StartAsync(timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(server.ConnectionString, Does.Contain(password));
            Assert.That(File.ReadAllText(Path.Combine(server.DataDirectory, "pg_hba.conf")), Does.Not.Contain("trust"));
        });
        await AssertPasswordIsRequiredAsync(server, password, timeout.Token);
    }

    [Test]
    public async Task Should_replace_trust_and_the_old_password_of_an_existing_postgres_data_folder_at_start()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var dataDirectory = Path.Combine(TestEnvironment.Root, $"pg-upgrade-{Guid.NewGuid():N}"[..23]);
        var settings = new Dictionary<string, string> { ["fsync"] = "off" };
        var oldPassword = $"old-{Guid.NewGuid():N}";
        await using (var first = new PostgresServer(dataDirectory, new PostgresServerOptions { Database = null, Password = oldPassword, Settings = settings }))
        {
            await first.StartAsync(timeout.Token);
        }

        // What an older AppHost left: every loopback connection trusted.
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.1/32 trust\n", timeout.Token);

        var newPassword = $"new-{Guid.NewGuid():N}";
        await using var server = new PostgresServer(dataDirectory, new PostgresServerOptions { Database = null, Password = newPassword, Settings = settings });
        await server.StartAsync(timeout.Token);

        await AssertPasswordIsRequiredAsync(server, newPassword, timeout.Token);
        var withOldPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = oldPassword, Pooling = false }.ConnectionString;
        var refused = Assert.ThrowsAsync<PostgresException>(() => OpenAsync(withOldPassword, timeout.Token));
        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidPassword));
    }

    [Test]
    public async Task Should_refuse_guest_on_rabbitmq_accept_its_own_user_and_listen_on_loopback_only()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var password = $"mq-{Guid.NewGuid():N}";
        await using var broker = new RabbitMqServer(Path.Combine(TestEnvironment.Root, $"mq-credentials-{Guid.NewGuid():N}"[..27]),
            new RabbitMqServerOptions { Password = password });
        await broker.StartAsync(timeout.Token);

        var asGuest = await LoginFailureAsync(broker.Port, "guest", "guest", timeout.Token);
        var withWrongPassword = await LoginFailureAsync(broker.Port, RabbitMqServer.UserName, "wrong-password", timeout.Token);
        var withPassword = await LoginFailureAsync(broker.Port, RabbitMqServer.UserName, password, timeout.Token);
        Assert.Multiple(() =>
        {
            Assert.That(asGuest, Is.InstanceOf<AuthenticationFailureException>(), "guest/guest");
            Assert.That(withWrongPassword, Is.InstanceOf<AuthenticationFailureException>(), "a wrong password");
            Assert.That(withPassword, Is.Null, "the configured password");
            Assert.That(broker.ConnectionString, Does.StartWith($"amqp://{RabbitMqServer.UserName}:{password}@127.0.0.1:"));
        });

        var brokerSockets = ListeningSockets.Of(broker.Pid!.Value);
        var epmdSockets = ListeningSockets.Of(broker.EpmdPid!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(brokerSockets.Select(s => s.Port), Is.SupersetOf(new[] { broker.Port, broker.DistributionPort }), "AMQP and Erlang distribution listeners found");
            Assert.That(epmdSockets.Select(s => s.Port), Does.Contain(broker.EpmdPort));
            Assert.That(brokerSockets.Concat(epmdSockets).Where(s => !ListeningSockets.IsLoopback(s)), Is.Empty, "listeners beyond loopback");
        });
    }

    private static async Task AssertPasswordIsRequiredAsync(PostgresServer server, string password, CancellationToken cancellationToken)
    {
        var withoutPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = null, Pooling = false }.ConnectionString;
        var wrongPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "wrong-password", Pooling = false }.ConnectionString;
        var withPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = password, Pooling = false }.ConnectionString;

        Assert.That(() => OpenAsync(withoutPassword, cancellationToken), Throws.InstanceOf<NpgsqlException>(), "no password");
        var refused = Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrongPassword, cancellationToken));
        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidPassword));
        Assert.That(() => OpenAsync(withPassword, cancellationToken), Throws.Nothing);
    }

    private static async Task OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Null when an AMQP connection as <paramref name="user"/> opens; else why not (an authentication failure when refused).</summary>
    private static async Task<Exception?> LoginFailureAsync(int port, string user, string password, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = RabbitMqServer.Host,
            Port = port,
            UserName = user,
            Password = password,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
        };
        try
        {
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            await connection.CloseAsync(cancellationToken);
            return null;
        }
        catch (BrokerUnreachableException exception)
        {
            Exception reason = exception;
            while (reason is not AuthenticationFailureException && reason.InnerException is { } inner)
            {
                reason = inner;
            }

            return reason;
        }
    }
}
