using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Agentic.LocalServers;

/// <summary>
/// An installed PostgreSQL (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>) and how this repository runs it: TCP on
/// 127.0.0.1 only, the superuser <see cref="SuperUser"/> with a password (<c>scram-sha-256</c>), never <c>trust</c>.
/// </summary>
public sealed record PostgresInstallation(string BinDirectory)
{
    public const string Host = "127.0.0.1";
    public const string SuperUser = "postgres";

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public string Initdb => Path.Combine(BinDirectory, "initdb");

    /// <summary>The highest installed version that has <c>initdb</c> and <c>postgres</c>, or null.</summary>
    public static PostgresInstallation? Find()
    {
        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
                .Where(candidate => candidate.Version is not null &&
                                    File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")) &&
                                    File.Exists(Path.Combine(candidate.Directory, "bin", "postgres")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => new PostgresInstallation(Path.Combine(candidate.Directory, "bin")))
                .FirstOrDefault()
            : null;
    }

    /// <summary>
    /// The server's arguments: data in <paramref name="dataDirectory"/>, TCP on 127.0.0.1:<paramref name="port"/>, the Unix
    /// socket in <paramref name="socketDirectory"/> (null: none), and each of <paramref name="settings"/> as <c>-c name=value</c>.
    /// </summary>
    public static IReadOnlyList<string> ServerArguments(string dataDirectory, int port, string? socketDirectory, IEnumerable<KeyValuePair<string, string>> settings) =>
    [
        "-D", dataDirectory,
        "-c", "listen_addresses=" + Host,
        "-p", port.ToString(CultureInfo.InvariantCulture),
        "-k", socketDirectory ?? string.Empty,
        .. settings.SelectMany(setting => (string[])["-c", $"{setting.Key}={setting.Value}"]),
    ];

    /// <summary>
    /// On a data folder without <c>PG_VERSION</c> (created if missing, and given to <paramref name="account"/>), runs
    /// <c>initdb</c> through <paramref name="runInitdb"/> (given the program and its arguments, to run as the account):
    /// superuser <see cref="SuperUser"/> with <paramref name="password"/>, <c>scram-sha-256</c> over TCP, <c>peer</c> on
    /// the socket. False when there was nothing to do.
    /// </summary>
    public async Task<bool> InitializeAsync(
        string dataDirectory, string password, UnixAccount? account, Func<string, IReadOnlyList<string>, Task> runInitdb, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runInitdb);
        UnixFolders.Create(dataDirectory);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return false;
        }

        // initdb sets the superuser's password from a file; a SCRAM verifier is stored as given, so the password itself
        // is never written. initdb wants an empty data folder: the file goes in a sibling folder of the server
        // account's only (0700), removed right after.
        var passwordFolder = dataDirectory + ".init";
        var passwordFile = Path.Combine(passwordFolder, "password");
        UnixFolders.Create(passwordFolder);
        try
        {
            await UnixFolders.WritePrivateFileAsync(passwordFile, ScramVerifier(password) + "\n", cancellationToken);
            if (account is not null)
            {
                await account.ChownRecursiveAsync(dataDirectory, cancellationToken);
                await account.ChownRecursiveAsync(passwordFolder, cancellationToken);
            }

            await runInitdb(Initdb,
            [
                "-D", dataDirectory, "-U", SuperUser, "--pwfile=" + passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=peer", "--encoding=UTF8", "--locale=C", "--no-instructions",
            ]);
            return true;
        }
        finally
        {
            Directory.Delete(passwordFolder, recursive: true);
        }
    }

    /// <summary>
    /// <c>SCRAM-SHA-256$4096:salt$StoredKey:ServerKey</c> (RFC 5802, RFC 7677), the form PostgreSQL keeps passwords in;
    /// given one, <c>ALTER ROLE ... PASSWORD</c> and initdb store it as is.
    /// </summary>
    public static string ScramVerifier(string password)
    {
        const int iterations = 4096;
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return string.Create(CultureInfo.InvariantCulture,
            $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;
}
