namespace Agentic.ServiceDefaults.Messaging;

/// <summary>The parts of an <c>amqp://user:password@host:port/vhost</c> connection string (Aspire's RabbitMQ format).</summary>
public sealed record RabbitMqConnection(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static RabbitMqConnection Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new FormatException("The messaging connection string must be an amqp:// URI, e.g. amqp://guest:guest@127.0.0.1:5672/.");
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        var vhost = uri.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (ushort)(uri.Scheme == "amqps" ? 5671 : 5672) : (ushort)uri.Port;
        return new RabbitMqConnection(uri.Host, port, vhost, username, password);
    }

    /// <summary>The connection without its password, for logs and dashboards.</summary>
    public override string ToString() => $"amqp://{Username}@{Host}:{Port}/{(VirtualHost == "/" ? string.Empty : VirtualHost)}";
}
