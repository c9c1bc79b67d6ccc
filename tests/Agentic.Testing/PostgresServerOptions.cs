using Agentic.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace Agentic.Testing;

public sealed class PostgresServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Created at start if missing; <see cref="PostgresServer.ConnectionString"/> points to it. Null: create none and
    /// point to the <c>postgres</c> maintenance database.
    /// </summary>
    public string? Database { get; init; } = ResourceNames.Database;

    /// <summary>
    /// User <c>postgres</c>'s password, set at every start; null generates one for this instance (tests). The AppHost
    /// passes the installation's own (<c>secrets/postgres-password</c> in the state folder).
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Extra server settings, passed as <c>-c name=value</c> (e.g. <c>fsync=off</c> for throw-away test data).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives every line the server writes (its log goes to stderr).</summary>
    public Action<string>? Output { get; init; }

    public ILogger? Logger { get; init; }

    /// <summary>Defaults to the highest <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public string? BinDirectory { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long fast shutdown (SIGINT) may take before the server is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
