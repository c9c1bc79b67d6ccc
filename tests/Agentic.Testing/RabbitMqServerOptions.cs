using Microsoft.Extensions.Logging;

namespace Agentic.Testing;

public sealed class RabbitMqServerOptions
{
    /// <summary>AMQP port on 127.0.0.1; 0 picks a free one below 45000 (and below the ephemeral range).</summary>
    public int Port { get; init; }

    /// <summary>
    /// The password of the broker's one account (<see cref="RabbitMqServer.UserName"/>), set at every start; null
    /// generates one for this instance (tests). The AppHost passes the installation's own (<c>secrets/rabbitmq-password</c>).
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Receives every line the broker and its epmd write to stdout/stderr (the full log is in the data folder's <c>log</c>).</summary>
    public Action<string>? Output { get; init; }

    public ILogger? Logger { get; init; }

    /// <summary>Defaults to <c>/usr/lib/rabbitmq/bin/rabbitmq-server</c>.</summary>
    public string? ServerScript { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a graceful stop (SIGTERM) may take before the broker is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
