using System.Buffers.Text;
using System.Security.Cryptography;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// The credentials of one local installation: generated on the first run and kept in the state folder's
/// <c>secrets</c> folder (mode 0700), one file per secret (mode 0600) holding its value. The AppHost passes them to
/// PostgreSQL, RabbitMQ and the services; their values never appear in its output or on the dashboard, only the paths.
/// </summary>
public sealed class LocalSecrets
{
    /// <summary>The PostgreSQL superuser's password (<c>ConnectionStrings__agentic</c>).</summary>
    public const string PostgresPassword = "postgres-password";

    /// <summary>The RabbitMQ user's password (<c>ConnectionStrings__messaging</c>).</summary>
    public const string RabbitMqPassword = "rabbitmq-password";

    /// <summary>The GitHub webhook secret the gateway verifies deliveries with (<c>GitHub__Webhooks__Secrets__0</c>).</summary>
    public const string GitHubWebhookSecret = "github-webhook-secret";

    /// <summary>The operator key for <c>/api/deliveries</c> and <c>/api/workflows</c> (<c>Inbox__OperatorApiKey</c>).</summary>
    public const string OperatorApiKey = "operator-api-key";

    private const UnixFileMode SecretFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly Lock _lock = new();

    public LocalSecrets(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = System.IO.Path.GetFullPath(directory);
    }

    /// <summary>Every secret the AppHost keeps, in the order the AppHost lists them at start.</summary>
    public static IReadOnlyList<string> Names { get; } = [PostgresPassword, RabbitMqPassword, GitHubWebhookSecret, OperatorApiKey];

    /// <summary>
    /// The services' settings (environment variables) that get a secret of this installation unless the AppHost's own
    /// environment sets them; which services read each is <see cref="Publishing.DeploymentSecrets"/>'s business.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServiceVariables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GitHub__Webhooks__Secrets__0"] = GitHubWebhookSecret,
        ["Inbox__OperatorApiKey"] = OperatorApiKey,
    };

    /// <summary>The folder (mode 0700) holding one file per secret.</summary>
    public string Directory { get; }

    /// <summary>The file that holds <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public string PathOf(string name) => Names.Contains(name, StringComparer.Ordinal)
        ? System.IO.Path.Combine(Directory, name)
        : throw new ArgumentException($"'{name}' is not one of the AppHost's secrets.", nameof(name));

    /// <summary>
    /// The secret's value: read from its file, or generated (32 random bytes, base64url: 43 characters that need no
    /// quoting in a connection string or URI) and written to it on first use. Tightens loose permissions it finds.
    /// </summary>
    public string GetOrCreate(string name)
    {
        var path = PathOf(name);
        lock (_lock)
        {
            System.IO.Directory.CreateDirectory(Directory, PrivateFolder);
            File.SetUnixFileMode(Directory, PrivateFolder);
            if (!File.Exists(path))
            {
                Write(path, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
            }

            if (File.GetUnixFileMode(path) != SecretFileMode)
            {
                File.SetUnixFileMode(path, SecretFileMode);
            }

            var value = File.ReadAllText(path).Trim();
            return value.Length > 0
                ? value
                : throw new InvalidOperationException($"The secret file {path} is empty: delete it to have a new value generated, or write one into it.");
        }
    }

    /// <summary>
    /// Where the credentials an operator needs are, for the AppHost's first lines: a path per secret, never a value.
    /// Creates the secrets the services will be given, so each path exists when printed.
    /// </summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        foreach (var (variable, name) in ServiceVariables)
        {
            var label = name == OperatorApiKey ? "Operator API key (Authorization: Bearer)" : "GitHub webhook secret";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
            {
                lines.Add($"{label}: from the environment ({variable})");
            }
            else
            {
                GetOrCreate(name);
                lines.Add($"{label}: {PathOf(name)}");
            }
        }

        lines.Add($"PostgreSQL and RabbitMQ passwords: {PathOf(PostgresPassword)}, {PathOf(RabbitMqPassword)}");
        return lines;
    }

    /// <summary>Writes to a temporary file created with mode 0600, then renames it: the value is never readable by others, and never half-written.</summary>
    private static void Write(string path, string value)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = SecretFileMode };
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(value);
        }

        File.Move(temporary, path, overwrite: false);
    }
}
