using System.Net.Sockets;
using RabbitMQ.Client;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// RabbitMQ from the machine's binaries, as an executable resource, laid out by <see cref="RabbitMqLayout"/>: everything
/// listens on 127.0.0.1 only; the one account is <see cref="UserName"/> with the installation's password (no <c>guest</c>).
/// </summary>
public sealed class LocalRabbitMqResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "amqp";
    public const string UserName = "agentic";

    public ParameterResource Password { get; } = password;

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{Password}@127.0.0.1:{Endpoint.Property(EndpointProperty.Port)}/");
}

public static class LocalRabbitMqExtensions
{
    /// <summary>
    /// Adds RabbitMQ with its data in <paramref name="dataDirectory"/> (kept between runs), and its own <c>epmd</c> as a
    /// child resource on a private port (the broker is told not to start a daemon one, which nobody would stop). Runs as
    /// user <c>rabbitmq</c> when the AppHost is root. Healthy once an AMQP login succeeds.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMqResource> AddLocalRabbitMq(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(password);
        var layout = new RabbitMqLayout(dataDirectory);
        var epmdPath = LocalServers.Require(builder, File.Exists(RabbitMqLayout.ServerScript) ? RabbitMqLayout.FindEpmd() : null, "RabbitMQ", "rabbitmq-server") ?? "epmd";
        var (amqpPort, epmdPort, distributionPort) = (LocalServers.Port(builder), LocalServers.Port(builder), LocalServers.Port(builder));
        var account = LocalServers.Account(builder, "RabbitMQ", "rabbitmq", "rabbitmq-server");

        var (epmdCommand, epmdPrefix) = LocalServers.RunAs(account, epmdPath);
        var epmd = builder.AddExecutable($"{name}-epmd", epmdCommand, dataDirectory, [.. epmdPrefix, .. RabbitMqLayout.EpmdArguments(epmdPort)])
            .WithHealthCheck($"{name}-epmd-answers");
        LocalServers.AddProbe(builder, $"{name}-epmd-answers", cancellationToken => RabbitMqLayout.AskEpmdAsync(epmdPort, cancellationToken), exception => exception is SocketException or IOException);

        var (command, prefix) = LocalServers.RunAs(account, RabbitMqLayout.ServerScript);
        var resource = new LocalRabbitMqResource(name, command, dataDirectory, password.Resource);
        LocalServers.AddProbe(builder, $"{name}-accepts-logins", async cancellationToken =>
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri((await resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!),
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = "agentic-apphost-health",
            };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            await connection.CloseAsync(cancellationToken);
        }, exception => exception is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException);

        var broker = builder.AddResource(resource)
            .WithArgs([.. prefix, .. RabbitMqLayout.ServerArguments])
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "amqp", name: LocalRabbitMqResource.EndpointName, isProxied: false)
            .WithEnvironment(context =>
            {
                // Aspire only sets variables: the ones the test runner removes from its own environment (null) stay as they are.
                foreach (var (variable, value) in layout.Environment(amqpPort, distributionPort, epmdPort).Where(variable => variable.Value is not null))
                {
                    context.EnvironmentVariables[variable] = value!;
                }
            })
            .WithHealthCheck($"{name}-accepts-logins")
            .WaitFor(epmd)
            .OnBeforeResourceStarted(async (rabbitMq, _, cancellationToken) =>
            {
                // The configuration, written at every start; only the password's salted hash is on disk.
                var password = await rabbitMq.Password.GetValueAsync(cancellationToken) ?? string.Empty;
                await layout.WriteAsync(amqpPort, LocalRabbitMqResource.UserName, password, lockGuest: false, cancellationToken);
                await LocalServers.GiveAsync(account, dataDirectory, cancellationToken);
            });
        epmd.WithParentRelationship(broker).OnBeforeResourceStarted(async (_, _, cancellationToken) =>
        {
            UnixFolders.Create(dataDirectory);
            await LocalServers.GiveAsync(account, dataDirectory, cancellationToken);
        });
        return broker;
    }
}
