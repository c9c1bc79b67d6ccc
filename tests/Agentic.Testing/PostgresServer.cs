using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Agentic.LocalServers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.Testing;

/// <summary>
/// A PostgreSQL server from the installed binaries (<see cref="PostgresInstallation"/>, as the AppHost runs it), with its
/// data in a folder of ours: <c>initdb</c> on first use,
/// then <c>postgres</c> in the foreground as our child (as user <c>postgres</c> when we are root), listening on
/// 127.0.0.1 only. No connection is trusted: TCP connections need the password (<c>scram-sha-256</c>); the Unix socket
/// in the data folder (mode 0700) admits only user <c>postgres</c> from the AppHost's own account or the server's
/// (<c>peer</c>), which is how the password is set at every start. Disposing stops it (fast shutdown).
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string Host = PostgresInstallation.Host;
    public const string UserName = PostgresInstallation.SuperUser;

    private readonly PostgresServerOptions _options;
    private readonly ILogger _logger;
    private ChildProcess? _process;

    public PostgresServer(string dataDirectory, PostgresServerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        _options = options ?? new PostgresServerOptions();
        _logger = _options.Logger ?? NullLogger.Instance;
        if (_options.Database is not null)
        {
            ValidateIdentifier(_options.Database);
        }

        Port = _options.Port;
        Password = _options.Password ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        ArgumentException.ThrowIfNullOrWhiteSpace(Password, nameof(options));
        SocketDirectory = DataDirectory.Length < 90 ? DataDirectory : null;
    }

    public string DataDirectory { get; }

    /// <summary>User <c>postgres</c>'s password: from the options, else generated for this instance.</summary>
    public string Password { get; }

    /// <summary>
    /// Where the server's Unix socket is (the data folder, readable by its owner only); null when the path is too long
    /// for a socket (107 bytes), and then the password is only set when the data folder is initialised.
    /// </summary>
    public string? SocketDirectory { get; }

    /// <summary>The TCP port; chosen at the first start when the options said 0, then kept for restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The postmaster's pid while it runs.</summary>
    public int? Pid => _process is { HasExited: false } process ? process.Pid : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server process's exit code once it has exited; null while it runs or before it started.</summary>
    public int? ExitCode => _process is { HasExited: true } process ? process.Completion.Result : null;

    /// <summary>The database <see cref="ConnectionString"/> points to.</summary>
    public string DatabaseName => _options.Database ?? "postgres";

    /// <summary><c>Host=127.0.0.1;Port=N;Database=agentic;Username=postgres;Password=...</c> (Npgsql format).</summary>
    public string ConnectionString => GetConnectionString(DatabaseName);

    /// <summary>Completes with the exit code when the server process exits.</summary>
    public Task<int> Completion => _process?.Completion ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>The highest installed <c>/usr/lib/postgresql/*/bin</c> that has <c>initdb</c> and <c>postgres</c>.</summary>
    public static string FindBinDirectory() =>
        PostgresInstallation.Find()?.BinDirectory ?? throw LocalServerMissingException.NotInstalled("PostgreSQL", "postgresql");

    public string GetConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = database,
        Username = UserName,
        Password = Password,
    }.ConnectionString;

    /// <summary>Initialises the data folder if needed, starts the server and returns once it answers and the database exists.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"PostgreSQL is already running (pid {Pid}).");
        }

        if (_process is not null)
        {
            // A restart after a stop: the old process has exited.
            await _process.DisposeAsync();
            _process = null;
        }

        var installation = new PostgresInstallation(_options.BinDirectory ?? FindBinDirectory());
        var account = UnixAccount.ForServer("PostgreSQL", "postgres", "postgresql");

        try
        {
            await PrepareDataDirectoryAsync(installation, account, cancellationToken);
            if (Port == 0)
            {
                Port = FreePort.Find();
            }

            _process = await ChildProcess.StartAsync(
                new ChildProcessStartInfo
                {
                    Name = "postgres",
                    FileName = installation.Postgres,
                    // The socket path must fit in 107 bytes; TCP is what everyone uses anyway.
                    Arguments = PostgresInstallation.ServerArguments(DataDirectory, Port, SocketDirectory, _options.Settings),
                    WorkingDirectory = DataDirectory,
                    RunAs = account,
                    ParentDeathSignal = Signals.Interrupt,
                    Output = _options.Output,
                },
                cancellationToken);
            LogStarting(_logger, _process.Pid, Port, DataDirectory);

            await WaitUntilReadyAsync(cancellationToken);
            await SetPasswordAsync(cancellationToken);
            if (_options.Database is not null)
            {
                await CreateDatabaseAsync(_options.Database, cancellationToken);
            }

            LogReady(_logger, Port, DatabaseName);
        }
        catch
        {
            await StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Creates <paramref name="database"/> unless it exists.</summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        ValidateIdentifier(database);
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }
        }

        try
        {
            // An identifier cannot be a parameter; ValidateIdentifier allows only [a-z0-9_].
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogDatabaseCreated(_logger, database);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently: fine.
        }
    }

    /// <summary>Fast shutdown (SIGINT), waiting up to the stop timeout, then kill. Leaves no process behind.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }

        var pid = _process.Pid;
        var running = !_process.HasExited;
        var exitCode = await _process.StopAsync(Signals.Interrupt, _options.StopTimeout, cancellationToken);
        if (running)
        {
            LogStopped(_logger, pid, exitCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task PrepareDataDirectoryAsync(PostgresInstallation installation, UnixAccount? account, CancellationToken cancellationToken)
    {
        UnixFolders.Create(DataDirectory);
        if (account is not null)
        {
            await account.ChownRecursiveAsync(DataDirectory, cancellationToken);
            await account.EnsureCanWriteAsync(DataDirectory, cancellationToken);
        }

        await installation.InitializeAsync(DataDirectory, Password, account, async (initdbPath, arguments) =>
        {
            LogInitializing(_logger, DataDirectory);
            await using var initdb = await ChildProcess.StartAsync(
                new ChildProcessStartInfo
                {
                    Name = "initdb",
                    FileName = initdbPath,
                    Arguments = arguments,
                    WorkingDirectory = DataDirectory,
                    RunAs = account,
                    ParentDeathSignal = Signals.Kill,
                },
                cancellationToken);
            await initdb.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            var exitCode = initdb.HasExited ? await initdb.Completion : -1;
            if (exitCode != 0)
            {
                throw new InvalidOperationException(
                    $"initdb failed for {DataDirectory} (exit code {exitCode}):{Environment.NewLine}{initdb.DescribeRecentOutput()}");
            }
        }, cancellationToken);

        await WriteAuthenticationFilesAsync(account, cancellationToken);
    }

    /// <summary>
    /// pg_hba.conf and pg_ident.conf, rewritten at every start (a data folder from an older AppHost trusted every local
    /// connection): TCP with the password only; the socket for user <c>postgres</c> from the AppHost's account or the
    /// server's. Nothing is trusted.
    /// </summary>
    private async Task WriteAuthenticationFilesAsync(UnixAccount? account, CancellationToken cancellationToken)
    {
        const string header = "# Written by the Agentic AppHost at every start; edits are overwritten.\n";
        var hba = header +
                  "# TYPE  DATABASE  USER      ADDRESS        METHOD\n" +
                  "local   all       postgres                 peer map=agentic\n" +
                  $"host    all       all       {Host}/32   scram-sha-256\n";
        var serverAccount = account?.Name ?? Environment.UserName;
        var ident = header +
                    "# MAP    SYSTEM-USER  DATABASE-USER\n" +
                    string.Join(string.Empty, new[] { Environment.UserName, serverAccount }.Distinct(StringComparer.Ordinal)
                        .Select(user => $"agentic  {user}  {UserName}\n"));
        foreach (var (name, content) in new[] { ("pg_hba.conf", hba), ("pg_ident.conf", ident) })
        {
            var path = Path.Combine(DataDirectory, name);
            await File.WriteAllTextAsync(path, content, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            if (account is not null)
            {
                await account.ChownRecursiveAsync(path, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Sets user <c>postgres</c>'s password over the socket (so a data folder keeps up with the password it is given,
    /// and one from an older AppHost gets one), as a SCRAM verifier: the password itself never reaches the server.
    /// Then proves that a TCP connection with it works.
    /// </summary>
    private async Task SetPasswordAsync(CancellationToken cancellationToken)
    {
        if (SocketDirectory is not null)
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString());
            await connection.OpenAsync(cancellationToken);
            // A verifier holds only base64 characters, '$' and ':' (no quote can end the literal); a utility statement takes no parameters.
            await using var command = new NpgsqlCommand($"ALTER ROLE {UserName} PASSWORD '{PostgresInstallation.ScramVerifier(Password)}'", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(GetConnectionString("postgres")) { Pooling = false, Timeout = 5 }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            throw new InvalidOperationException(
                $"PostgreSQL in {DataDirectory} does not accept the configured password, and its data folder's path is too long for the " +
                "socket that would let it be set: choose a shorter state folder, or start afresh (--reset).", exception);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var process = _process!;
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        var connectionString = AdminConnectionString();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                throw new InvalidOperationException(
                    $"PostgreSQL exited with code {await process.Completion} while starting:{Environment.NewLine}{process.DescribeRecentOutput()}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidPassword)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL in {DataDirectory} does not accept the configured password; its data folder's path is too long for the " +
                    "socket that would let it be set: choose a shorter state folder, or start afresh (--reset).", exception);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException(
                        $"PostgreSQL did not accept connections on port {Port} within {_options.StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{process.DescribeRecentOutput()}",
                        exception);
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The socket (peer authentication) when there is one, else TCP with the password.</summary>
    private string AdminConnectionString() => new NpgsqlConnectionStringBuilder(GetConnectionString("postgres"))
    {
        Host = SocketDirectory ?? Host,
        Password = SocketDirectory is null ? Password : null,
        Pooling = false,
        Timeout = 5,
    }.ConnectionString;

    private static void ValidateIdentifier(string database)
    {
        if (!IdentifierPattern().IsMatch(database))
        {
            throw new ArgumentException($"'{database}' is not a plain database name ([a-z_][a-z0-9_]*).", nameof(database));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();

    [LoggerMessage(100, LogLevel.Information, "Initialising a PostgreSQL data folder in {DataDirectory}")]
    private static partial void LogInitializing(ILogger logger, string dataDirectory);

    [LoggerMessage(101, LogLevel.Debug, "PostgreSQL starting (pid {Pid}) on 127.0.0.1:{Port}, data in {DataDirectory}")]
    private static partial void LogStarting(ILogger logger, int pid, int port, string dataDirectory);

    [LoggerMessage(102, LogLevel.Debug, "PostgreSQL ready on 127.0.0.1:{Port}, database {Database}")]
    private static partial void LogReady(ILogger logger, int port, string database);

    [LoggerMessage(103, LogLevel.Information, "Created database {Database}")]
    private static partial void LogDatabaseCreated(ILogger logger, string database);

    [LoggerMessage(104, LogLevel.Debug, "PostgreSQL (pid {Pid}) stopped with exit code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, int pid, int exitCode);
}
