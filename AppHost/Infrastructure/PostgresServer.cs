using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.AppHost.Infrastructure;

/// <summary>
/// A PostgreSQL server from the installed binaries, with its data in a folder of ours: <c>initdb</c> on first use,
/// then <c>postgres</c> in the foreground as our child (as user <c>postgres</c> when we are root), listening on
/// 127.0.0.1 only, trust authentication for user <c>postgres</c>. Disposing stops it (fast shutdown).
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    public const string UserName = "postgres";

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
    }

    public string DataDirectory { get; }

    /// <summary>The TCP port; chosen at the first start when the options said 0, then kept for restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The postmaster's pid while it runs.</summary>
    public int? Pid => _process is { HasExited: false } process ? process.Pid : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server process's exit code once it has exited; null while it runs or before it started.</summary>
    public int? ExitCode => _process is { HasExited: true } process ? process.Completion.Result : null;

    /// <summary>The database <see cref="ConnectionString"/> points to.</summary>
    public string DatabaseName => _options.Database ?? "postgres";

    /// <summary><c>Host=127.0.0.1;Port=N;Database=agentic;Username=postgres</c> (Npgsql format).</summary>
    public string ConnectionString => GetConnectionString(DatabaseName);

    /// <summary>Completes with the exit code when the server process exits.</summary>
    public Task<int> Completion => _process?.Completion ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>The highest installed <c>/usr/lib/postgresql/*/bin</c> that has <c>initdb</c> and <c>postgres</c>.</summary>
    public static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
                .Where(candidate => candidate.Version is not null &&
                                    File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")) &&
                                    File.Exists(Path.Combine(candidate.Directory, "bin", "postgres")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Directory, "bin"))
                .FirstOrDefault()
            : null;
        return found ?? throw new InfrastructureNotInstalledException(
            "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql' (or ./AppHost/run.sh which installs it)");
    }

    public string GetConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = database,
        Username = UserName,
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

        var binDirectory = _options.BinDirectory ?? FindBinDirectory();
        var account = UnixAccount.IsRoot
            ? UnixAccount.Find("postgres") ?? throw new InfrastructureNotInstalledException(
                "PostgreSQL's system user 'postgres' is missing: run 'sudo apt-get install -y postgresql' (or ./AppHost/run.sh which installs it)")
            : null;

        try
        {
            await PrepareDataDirectoryAsync(binDirectory, account, cancellationToken);
            if (Port == 0)
            {
                Port = FreePort.Find();
            }

            var arguments = new List<string>
            {
                "-D", DataDirectory,
                "-c", "listen_addresses=" + Host,
                "-p", Port.ToString(CultureInfo.InvariantCulture),
                // The socket path must fit in 107 bytes; TCP is what everyone uses anyway.
                "-k", DataDirectory.Length < 90 ? DataDirectory : string.Empty,
            };
            foreach (var (name, value) in _options.Settings)
            {
                arguments.AddRange(["-c", $"{name}={value}"]);
            }

            _process = await ChildProcess.StartAsync(
                new ChildProcessStartInfo
                {
                    Name = "postgres",
                    FileName = Path.Combine(binDirectory, "postgres"),
                    Arguments = arguments,
                    WorkingDirectory = DataDirectory,
                    RunAs = account,
                    ParentDeathSignal = Signals.Interrupt,
                    Output = _options.Output,
                },
                cancellationToken);
            LogStarting(_logger, _process.Pid, Port, DataDirectory);

            await WaitUntilReadyAsync(cancellationToken);
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

    private async Task PrepareDataDirectoryAsync(string binDirectory, UnixAccount? account, CancellationToken cancellationToken)
    {
        UnixFolders.Create(DataDirectory, UnixFolders.Private);
        if (account is not null)
        {
            await account.ChownRecursiveAsync(DataDirectory, cancellationToken);
            await account.EnsureCanWriteAsync(DataDirectory, cancellationToken);
        }

        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        LogInitializing(_logger, DataDirectory);
        await using var initdb = await ChildProcess.StartAsync(
            new ChildProcessStartInfo
            {
                Name = "initdb",
                FileName = Path.Combine(binDirectory, "initdb"),
                Arguments = ["-D", DataDirectory, "-U", UserName, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"],
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

    private string AdminConnectionString() => new NpgsqlConnectionStringBuilder(GetConnectionString("postgres"))
    {
        Pooling = false,
        Timeout = 5,
    }.ConnectionString;

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

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
