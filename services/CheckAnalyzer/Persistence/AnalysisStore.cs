using System.Text.Json;
using Agentic.CheckAnalyzer.Evidence;
using Agentic.Contracts.Common;
using Dapper;
using Npgsql;

namespace Agentic.CheckAnalyzer.Persistence;

/// <summary>
/// A row of <c>analyses</c>: one per workflow (its id is the workflow's correlation id), of one installation's repository, with the CI job it analysed
/// when known, and the classification's tool, its codes and the unresolved packages (what the Command Dispatcher picks its command by).
/// </summary>
public sealed record StoredAnalysis(
    Guid WorkflowId,
    long InstallationId,
    long RepositoryId,
    string? LogHash,
    FailureCategory Category,
    FixStrategy Strategy,
    double Confidence,
    string RootCause,
    int LlmCalls,
    int InputTokens,
    int OutputTokens,
    decimal CostUsd,
    string Evidence,
    IReadOnlyList<string> Files,
    CiJobReference? Job = null)
{
    /// <summary>The classification's tool: a format or lint failure's fixer, a dependency failure's package manager.</summary>
    public string? Tool { get; init; }

    /// <summary>The codes (analyzer ids, rules) that tool reported.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>For a dependency failure: the packages the package manager could not resolve (untrusted names from the log).</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];
}

public interface IAnalysisStore
{
    Task<StoredAnalysis?> FindByWorkflowAsync(Guid workflowId, CancellationToken cancellationToken);

    /// <summary>
    /// The latest analysis an LLM produced for the same reduced log in the same installation's repository, if any: a
    /// verdict is never reused across repositories (their logs, files and budgets are not each other's).
    /// </summary>
    Task<StoredAnalysis?> FindLlmAnalysisAsync(long installationId, long repositoryId, string logHash, CancellationToken cancellationToken);

    /// <summary>Records the analysis; false when the workflow already has one (a redelivery).</summary>
    Task<bool> InsertAsync(StoredAnalysis analysis, CancellationToken cancellationToken);
}

/// <summary><see cref="IAnalysisStore"/> over the <c>analyses</c> table.</summary>
public sealed class PostgresAnalysisStore(NpgsqlDataSource dataSource) : IAnalysisStore
{
    private static readonly JsonSerializerOptions JobJson = new(JsonSerializerDefaults.Web);

    private const string Columns = """
        id AS WorkflowId, coalesce(installation_id, 0) AS InstallationId, coalesce(repository_id, 0) AS RepositoryId, log_hash AS LogHash,
        category, strategy, confidence, root_cause AS RootCause, llm_calls AS LlmCalls, input_tokens AS InputTokens,
        output_tokens AS OutputTokens, cost_usd AS CostUsd, evidence, files, job::text AS Job, tool, codes, packages
        """;

    public async Task<StoredAnalysis?> FindByWorkflowAsync(Guid workflowId, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {Columns} FROM analyses WHERE id = @workflowId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { workflowId }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    public async Task<StoredAnalysis?> FindLlmAnalysisAsync(long installationId, long repositoryId, string logHash, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {Columns} FROM analyses
            WHERE installation_id = @installationId AND repository_id = @repositoryId AND log_hash = @logHash AND llm_calls > 0
            ORDER BY created_at DESC LIMIT 1
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { installationId, repositoryId, logHash }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    public async Task<bool> InsertAsync(StoredAnalysis analysis, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        const string sql = """
            INSERT INTO analyses (id, workflow_id, installation_id, repository_id, log_hash, category, strategy, confidence, root_cause,
                                  llm_calls, input_tokens, output_tokens, cost_usd, evidence, files, job, tool, codes, packages)
            VALUES (@WorkflowId, @WorkflowId, @InstallationId, @RepositoryId, @LogHash, @Category, @Strategy, @Confidence, @RootCause,
                    @LlmCalls, @InputTokens, @OutputTokens, @CostUsd, @Evidence, @Files, @Job::jsonb, @Tool, @Codes, @Packages)
            ON CONFLICT (id) DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            analysis.WorkflowId,
            analysis.InstallationId,
            analysis.RepositoryId,
            analysis.LogHash,
            Category = analysis.Category.ToString(),
            Strategy = analysis.Strategy.ToString(),
            analysis.Confidence,
            analysis.RootCause,
            analysis.LlmCalls,
            analysis.InputTokens,
            analysis.OutputTokens,
            analysis.CostUsd,
            analysis.Evidence,
            Files = analysis.Files.ToArray(),
            Job = analysis.Job is { } job ? JsonSerializer.Serialize(job, JobJson) : null,
            analysis.Tool,
            Codes = analysis.Codes.ToArray(),
            Packages = analysis.Packages.ToArray(),
        }, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>
    /// What Dapper reads: settable properties, not a positional record. Dapper binds a constructor only when every
    /// column's reader type is exactly its parameter's type, and Npgsql reports a <c>text[]</c> column as
    /// <see cref="Array"/>, not <c>string[]</c>: the record failed to materialise on every read.
    /// </summary>
    private sealed class Row
    {
        public Guid WorkflowId { get; init; }

        public long InstallationId { get; init; }

        public long RepositoryId { get; init; }

        public string? LogHash { get; init; }

        public string Category { get; init; } = "";

        public string Strategy { get; init; } = "";

        public double Confidence { get; init; }

        public string RootCause { get; init; } = "";

        public int LlmCalls { get; init; }

        public int InputTokens { get; init; }

        public int OutputTokens { get; init; }

        public decimal CostUsd { get; init; }

        public string Evidence { get; init; } = "";

        public string[] Files { get; init; } = [];

        public string? Job { get; init; }

        public string? Tool { get; init; }

        public string[] Codes { get; init; } = [];

        public string[] Packages { get; init; } = [];

        public StoredAnalysis ToStored() => new(
            WorkflowId,
            InstallationId,
            RepositoryId,
            LogHash,
            Enum.TryParse<FailureCategory>(Category, out var category) ? category : FailureCategory.Unknown,
            Enum.TryParse<FixStrategy>(Strategy, out var strategy) ? strategy : FixStrategy.Escalate,
            Confidence,
            RootCause,
            LlmCalls,
            InputTokens,
            OutputTokens,
            CostUsd,
            Evidence,
            Files,
            ReadJob(Job))
        {
            Tool = Tool,
            Codes = Codes,
            Packages = Packages,
        };

        /// <summary>The stored job reference, checked again as when it was fetched; null when absent or unreadable.</summary>
        private static CiJobReference? ReadJob(string? json)
        {
            if (json is null)
            {
                return null;
            }

            try
            {
                return CiJobReferences.Validate(JsonSerializer.Deserialize<CiJobReference>(json, JobJson));
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
