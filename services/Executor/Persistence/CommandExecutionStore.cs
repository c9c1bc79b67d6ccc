using System.Security.Cryptography;
using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Dapper;
using Npgsql;

namespace Agentic.Executor.Persistence;

/// <summary>What a claim on an execution found.</summary>
public abstract record ExecutionClaim
{
    private ExecutionClaim()
    {
    }

    /// <summary>Ours to run; dispose to let go (the lock is released even if the process dies: it is the connection's).</summary>
    public sealed record Acquired(IAsyncDisposable Lease) : ExecutionClaim;

    /// <summary>Finished before: re-publish the stored result.</summary>
    public sealed record Completed(CommandExecuted Result) : ExecutionClaim;

    /// <summary>Another live executor is running it right now.</summary>
    public sealed record Running : ExecutionClaim;
}

public interface ICommandExecutionStore
{
    Task<ExecutionClaim> ClaimAsync(ExecuteCommand command, CancellationToken cancellationToken);

    Task CompleteAsync(ExecuteCommand command, CommandExecuted result, CancellationToken cancellationToken);
}

/// <summary>
/// <c>command_executions</c>: one row per <c>ExecutionId</c>. A running execution holds a session-level advisory lock
/// keyed by its id on its own connection, so a redelivery while it runs is recognised (and dropped; the first one
/// publishes), while a redelivery after a crash finds the lock free and runs it again. A finished row is re-published.
/// </summary>
public sealed class PostgresCommandExecutionStore(NpgsqlDataSource dataSource) : ICommandExecutionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ExecutionClaim> ClaimAsync(ExecuteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            const string lockSql = "SELECT pg_try_advisory_lock(@key)";
            var locked = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(lockSql, new { key = LockKey(command.ExecutionId) }, cancellationToken: cancellationToken));
            if (!locked)
            {
                await connection.DisposeAsync();
                return new ExecutionClaim.Running();
            }

            const string sql = """
                INSERT INTO command_executions (id, workflow_id, command, arguments)
                VALUES (@Id, @WorkflowId, @Command, CAST(@Arguments AS jsonb))
                ON CONFLICT (id) DO UPDATE SET started_at = CASE WHEN command_executions.finished_at IS NULL THEN now() ELSE command_executions.started_at END
                RETURNING outcome, patch, validation::text AS validation, duration_ms AS durationms, finished_at AS finishedat
                """;
            var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(sql, new
            {
                Id = command.ExecutionId,
                WorkflowId = command.CorrelationId,
                command.Command,
                Arguments = JsonSerializer.Serialize(command.Arguments, Json),
            }, cancellationToken: cancellationToken));
            if (row.FinishedAt is null)
            {
                return new ExecutionClaim.Acquired(new Lease(connection));
            }

            await connection.DisposeAsync();
            var stored = row.Validation is null ? null : JsonSerializer.Deserialize<StoredValidation>(row.Validation, Json);
            return new ExecutionClaim.Completed(new CommandExecuted
            {
                CorrelationId = command.CorrelationId,
                ExecutionId = command.ExecutionId,
                Outcome = Enum.Parse<ExecutionOutcome>(row.Outcome!),
                Patch = row.Patch,
                Validation = stored?.Steps ?? [],
                Duration = TimeSpan.FromMilliseconds(row.DurationMs ?? 0),
                Error = stored?.Error,
            });
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task CompleteAsync(ExecuteCommand command, CommandExecuted result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(result);
        const string sql = """
            UPDATE command_executions
               SET outcome = @Outcome, exit_code = @ExitCode, duration_ms = @DurationMs, patch = @Patch,
                   validation = CAST(@Validation AS jsonb), finished_at = now()
             WHERE id = @Id AND finished_at IS NULL
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Id = command.ExecutionId,
            Outcome = result.Outcome.ToString(),
            ExitCode = result.Validation.Count > 0 ? result.Validation[^1].ExitCode : (int?)null,
            DurationMs = (long)result.Duration.TotalMilliseconds,
            result.Patch,
            Validation = JsonSerializer.Serialize(new StoredValidation(result.Validation, result.Error), Json),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The advisory-lock key: the first 8 bytes of the SHA-256 of the whole execution id. (Its first 8 bytes alone are
    /// the same for ids made close together, e.g. every attempt of one workflow, so attempt 2 was dropped as running.)
    /// </summary>
    public static long LockKey(Guid executionId)
    {
        Span<byte> id = stackalloc byte[16];
        executionId.TryWriteBytes(id);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(id, hash);
        return BitConverter.ToInt64(hash[..8]);
    }

    /// <summary>The <c>validation</c> column holds the steps and the error text (the table has no error column).</summary>
    private sealed record StoredValidation(IReadOnlyList<ValidationStep> Steps, string? Error);

    private sealed record Row(string? Outcome, string? Patch, string? Validation, long? DurationMs, DateTime? FinishedAt);

    private sealed class Lease(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Closing the session releases the advisory lock; pooled connections reset with DISCARD ALL.
                await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            }
            catch (NpgsqlException)
            {
                // The connection is broken, so its locks are gone already.
            }

            await connection.DisposeAsync();
        }
    }
}
