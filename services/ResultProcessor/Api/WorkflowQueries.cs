using System.Text;
using System.Text.Json;
using Agentic.Persistence.Sagas;
using Agentic.ResultProcessor.Extensions;
using Agentic.ResultProcessor.StateMachines;
using Dapper;
using Npgsql;

namespace Agentic.ResultProcessor.Api;

/// <summary>
/// Reads fix workflows for the API: the live state is the saga's JSON in <c>fix_workflow_sagas</c> (read back as
/// <see cref="FixWorkflowState"/>, exactly as the saga repository stores it), the finish time comes from
/// <c>workflows</c>, and the Executor's runs from <c>command_executions</c>. Read-only, no row locks.
/// </summary>
public sealed class WorkflowQueries(NpgsqlDataSource dataSource, FixWorkflowStateMachine machine)
{
    /// <summary>Longest summary in a list item; the detail has it whole.</summary>
    public const int ListSummaryLength = 280;

    private const int MaxEvidenceLength = 32_000;
    private const int MaxArgumentLength = 4_000;
    private const int MaxPatchLength = 64_000;
    private const int MaxOutputTailLength = 16_000;

    // The Executor writes arguments and validation with the web defaults (camelCase).
    private static readonly JsonSerializerOptions ExecutorJson = new(JsonSerializerDefaults.Web);

    /// <summary>The state machine's states a workflow can be in (not MassTransit's Initial and Final).</summary>
    public IReadOnlyList<string> StateNames { get; } = machine.States
        .Select(s => s.Name)
        .Where(name => name != machine.Initial.Name && name != machine.Final.Name)
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>Newest first by <c>created_at</c> (when the saga started), at most <see cref="WorkflowFilter.Limit"/>, with the next page's cursor.</summary>
    public async Task<WorkflowPage> ListAsync(WorkflowFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);

        // The list leaves out the bulky fields it does not show. Every condition is a constant fragment; values are parameters.
        var sql = new StringBuilder($"""
            SELECT s.correlation_id AS Id, s.current_state AS CurrentState, s.created_at AS CreatedAt, s.updated_at AS UpdatedAt,
                   (s.data - 'Evidence' - 'RootCause' - 'Files' - 'LastFailure')::text AS Data, w.finished_at AS FinishedAt
            FROM {HostingExtensions.FixWorkflowTable} s
            LEFT JOIN workflows w ON w.id = s.correlation_id
            WHERE true
            """);
        if (filter.BeforeUtc is not null)
        {
            sql.Append("\n  AND s.created_at < @BeforeUtc");
        }

        if (filter.State is not null)
        {
            sql.Append("\n  AND s.current_state = @State");
        }

        if (filter.Active is true)
        {
            sql.Append("\n  AND s.data->>'Outcome' IS NULL");
        }
        else if (filter.Active is false)
        {
            sql.Append("\n  AND s.data->>'Outcome' IS NOT NULL");
        }

        if (filter.Owner is not null)
        {
            sql.Append("""

                  AND lower(s.data->'PullRequest'->'Repository'->>'Owner') = @Owner
                  AND lower(s.data->'PullRequest'->'Repository'->>'Name') = @Name
                """);
        }

        sql.Append("\nORDER BY s.created_at DESC, s.correlation_id DESC\nLIMIT @Take");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<SagaRow>(new CommandDefinition(sql.ToString(), new
        {
            filter.BeforeUtc,
            filter.State,
            filter.Owner,
            filter.Name,
            Take = filter.Limit + 1,
        }, cancellationToken: cancellationToken))).ToList();

        string? next = null;
        if (rows.Count > filter.Limit)
        {
            // The cursor is a start time: a page must not end inside a group of workflows started in the same microsecond,
            // or the next page ("started before") would skip the rest of the group. Such a group moves to the next page
            // whole, unless it fills the page on its own.
            var boundary = rows[filter.Limit].CreatedAt;
            var page = rows.Take(filter.Limit).ToList();
            var beforeGroup = page.Where(r => r.CreatedAt != boundary).ToList();
            rows = beforeGroup.Count > 0 ? beforeGroup : page;
            next = WorkflowFilter.Cursor(rows[^1].CreatedAt);
        }

        return new WorkflowPage(rows.Select(row => Summarise(row, Deserialise(row), ListSummaryLength)).ToList(), next);
    }

    /// <summary>One workflow with its command executions; null when there is none with this id.</summary>
    public async Task<WorkflowDetail?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT s.correlation_id AS Id, s.current_state AS CurrentState, s.created_at AS CreatedAt, s.updated_at AS UpdatedAt,
                   s.data::text AS Data, w.finished_at AS FinishedAt
            FROM {HostingExtensions.FixWorkflowTable} s
            LEFT JOIN workflows w ON w.id = s.correlation_id
            WHERE s.correlation_id = @id;

            SELECT id AS Id, row_number() OVER (ORDER BY started_at, id) AS Attempt, command AS Command, arguments::text AS Arguments,
                   outcome AS Outcome, exit_code AS ExitCode, duration_ms AS DurationMs, patch AS Patch, validation::text AS Validation,
                   started_at AS StartedAt, finished_at AS FinishedAt
            FROM command_executions
            WHERE workflow_id = @id
            ORDER BY started_at, id;
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { id }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<SagaRow>();
        var executions = (await results.ReadAsync<ExecutionRow>()).ToList();
        if (row is null)
        {
            return null;
        }

        var saga = Deserialise(row);
        var pullRequest = saga.PullRequest;
        return new WorkflowDetail(Summarise(row, saga, summaryLength: null))
        {
            InstallationId = pullRequest?.Repository.InstallationId ?? 0,
            RepositoryId = pullRequest?.Repository.RepositoryId ?? 0,
            HeadRef = pullRequest?.HeadRef ?? string.Empty,
            BaseRef = pullRequest?.BaseRef ?? string.Empty,
            CheckRunId = saga.CheckRunId,
            JobId = saga.JobId,
            AutoFix = saga.AutoFix,
            MaxAttempts = saga.MaxAttempts,
            BudgetUsd = saga.BudgetUsd,
            OpenPullRequest = saga.OpenPullRequest,
            Category = saga.Category?.ToString(),
            Strategy = saga.Strategy?.ToString(),
            Confidence = saga.Confidence,
            RootCause = saga.RootCause,
            Evidence = Shorten(saga.Evidence, MaxEvidenceLength),
            Files = saga.Files,
            LastFailure = saga.LastFailure,
            ExecutionId = saga.ExecutionId,
            CommitSha = saga.CommitSha,
            ProposalNumber = saga.ProposalNumber,
            Executions = executions.Select(View).ToList(),
        };
    }

    private static FixWorkflowState Deserialise(SagaRow row) =>
        JsonSerializer.Deserialize<FixWorkflowState>(row.Data, PostgresSagaJson.Options)
        ?? throw new InvalidOperationException($"Fix workflow {row.Id} has no saga data.");

    private static WorkflowSummary Summarise(SagaRow row, FixWorkflowState saga, int? summaryLength)
    {
        var active = saga.Outcome is null;
        var repository = saga.PullRequest?.Repository;
        return new WorkflowSummary
        {
            Id = row.Id,
            Repository = repository is null ? string.Empty : $"{repository.Owner}/{repository.Name}",
            PullRequest = saga.PullRequest?.Number ?? 0,
            HeadSha = saga.PullRequest?.HeadSha ?? string.Empty,
            CheckName = saga.CheckName,
            State = row.CurrentState,
            Active = active,
            Outcome = saga.Outcome?.ToString(),
            Attempts = saga.Attempts,
            CostUsd = saga.CostUsd,
            DetectedAt = saga.DetectedAt,
            StartedAt = Utc(row.CreatedAt),
            UpdatedAt = Utc(row.UpdatedAt),
            FinishedAt = row.FinishedAt is { } finished ? Utc(finished) : null,
            DeadlineAt = active ? saga.DeadlineAt : null,
            StepStartedAt = active ? saga.StepStartedAt : null,
            StepSeconds = saga.StepSeconds.ToDictionary(step => step.Key, step => Math.Round(step.Value, 3), StringComparer.Ordinal),
            Summary = summaryLength is { } length ? Shorten(saga.Summary, length) : saga.Summary,
        };
    }

    private static CommandExecutionView View(ExecutionRow row)
    {
        var arguments = string.IsNullOrEmpty(row.Arguments)
            ? []
            : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Arguments, ExecutorJson) ?? [];
        var validation = string.IsNullOrEmpty(row.Validation) ? null : JsonSerializer.Deserialize<StoredValidation>(row.Validation, ExecutorJson);
        return new CommandExecutionView
        {
            Id = row.Id,
            Attempt = (int)row.Attempt,
            Command = row.Command,
            Arguments = arguments.ToDictionary(a => a.Key, a => Shorten(a.Value, MaxArgumentLength)!, StringComparer.Ordinal),
            Outcome = row.Outcome,
            ExitCode = row.ExitCode,
            DurationSeconds = row.DurationMs / 1000.0,
            StartedAt = Utc(row.StartedAt),
            FinishedAt = row.FinishedAt is { } finished ? Utc(finished) : null,
            Error = validation?.Error,
            PatchBytes = row.Patch is null ? null : Encoding.UTF8.GetByteCount(row.Patch),
            Patch = Shorten(row.Patch, MaxPatchLength),
            Validation = (validation?.Steps ?? [])
                .Select(step => new ValidationStepView(step.Kind, step.CommandLine, step.ExitCode, Math.Round(step.Duration.TotalSeconds, 3),
                    Shorten(step.OutputTail, MaxOutputTailLength) ?? string.Empty))
                .ToList(),
        };
    }

    private static string? Shorten(string? text, int length) =>
        text is null || text.Length <= length ? text : string.Concat(text.AsSpan(0, length), $"… ({text.Length - length} more characters)");

    // Npgsql reads timestamptz as a UTC DateTime.
    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record SagaRow(Guid Id, string CurrentState, DateTime CreatedAt, DateTime UpdatedAt, string Data, DateTime? FinishedAt);

    private sealed record ExecutionRow(
        Guid Id, long Attempt, string Command, string? Arguments, string? Outcome, int? ExitCode, long? DurationMs, string? Patch, string? Validation,
        DateTime StartedAt, DateTime? FinishedAt);

    /// <summary>The shape of <c>command_executions.validation</c> as the Executor writes it.</summary>
    private sealed record StoredValidation(IReadOnlyList<StoredStep>? Steps, string? Error);

    private sealed record StoredStep(string Kind, string CommandLine, int ExitCode, TimeSpan Duration, string? OutputTail);
}
