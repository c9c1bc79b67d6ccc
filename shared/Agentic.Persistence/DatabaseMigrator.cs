using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Agentic.Persistence;

/// <summary>
/// Applies the numbered SQL scripts embedded in this assembly (<c>Migrations/NNNN_name.sql</c>) in order, each in
/// its own transaction, and records them in <c>schema_migrations</c>. Safe to run concurrently (advisory lock) and
/// repeatedly (applied versions are skipped). A script whose text changed after it was applied stops the run.
/// </summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    // Any fixed 64-bit number: every migrator takes the same lock.
    private const long AdvisoryLockKey = 0x4147_454E_5449_4301;

    public static IReadOnlyList<MigrationScript> EmbeddedScripts { get; } = LoadEmbeddedScripts(typeof(DatabaseMigrator).Assembly);

    public Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken) =>
        MigrateAsync(EmbeddedScripts, cancellationToken);

    public async Task<MigrationResult> MigrateAsync(IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            const string createTable = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """;
            await connection.ExecuteAsync(new CommandDefinition(createTable, cancellationToken: cancellationToken));

            const string appliedSql = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
            var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(appliedSql, cancellationToken: cancellationToken)))
                .ToDictionary(m => m.Version);

            var appliedNow = new List<int>();
            foreach (var script in scripts.OrderBy(s => s.Version))
            {
                if (applied.TryGetValue(script.Version, out var existing))
                {
                    if (!string.Equals(existing.Checksum, script.Checksum, StringComparison.Ordinal))
                    {
                        throw new MigrationChecksumMismatchException(script.Version, script.Name, existing.Checksum, script.Checksum);
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
                const string record = "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)";
                await connection.ExecuteAsync(new CommandDefinition(record, new { script.Version, script.Name, script.Checksum }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, script.Version, script.Name);
                appliedNow.Add(script.Version);
            }

            var current = scripts.Count == 0 ? 0 : scripts.Max(s => s.Version);
            LogUpToDate(logger, current, appliedNow.Count);
            return new MigrationResult(appliedNow, current);
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    public static IReadOnlyList<MigrationScript> LoadEmbeddedScripts(Assembly assembly)
    {
        const string prefix = "Agentic.Persistence.Migrations.";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(MigrationScript.Parse(resource[prefix.Length..], reader.ReadToEnd()));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migration scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}.");
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    [LoggerMessage(1, LogLevel.Information, "Applied migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    [LoggerMessage(2, LogLevel.Information, "Database schema at version {Version}; {Count} migration(s) applied in this run")]
    private static partial void LogUpToDate(ILogger logger, int version, int count);

    private sealed record AppliedMigration(int Version, string Name, string Checksum);
}

/// <summary>One numbered SQL script.</summary>
public sealed partial record MigrationScript(int Version, string Name, string Sql, string Checksum)
{
    public static MigrationScript Parse(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new InvalidOperationException($"Migration script '{fileName}' must be named NNNN_name.sql.");
        }

        // Line endings must not change a checksum: a checkout with CRLF is the same script.
        var normalised = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
        return new MigrationScript(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, normalised, checksum);
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}

public sealed record MigrationResult(IReadOnlyList<int> Applied, int CurrentVersion);

/// <summary>An applied migration's script changed: the database and the code disagree about the schema.</summary>
public sealed class MigrationChecksumMismatchException(int version, string name, string appliedChecksum, string scriptChecksum)
    : Exception($"Migration {version} ({name}) was applied with checksum {appliedChecksum} but the script now hashes to {scriptChecksum}. " +
                "Applied scripts must not change; add a new numbered script instead.")
{
    public int Version { get; } = version;
}
