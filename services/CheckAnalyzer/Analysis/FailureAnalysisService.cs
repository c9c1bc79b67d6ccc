using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Evidence;
using Agentic.CheckAnalyzer.Llm;
using Agentic.CheckAnalyzer.Options;
using Agentic.CheckAnalyzer.Persistence;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.CheckAnalyzer.Analysis;

/// <summary>The answer to one <see cref="AnalyzeCheckFailure"/>: a verdict, or the reason there is none.</summary>
public sealed record AnalysisOutcome(CheckFailureAnalyzed? Analyzed, CheckFailureAnalysisFailed? Failed);

/// <summary>
/// fetch → reduce and parse → classify by rules → LLM only for compile, test and unknown failures (cached by the
/// installation, repository and reduced log's hash; never for a rules-only triage, which answers that the LLM is needed instead) → record. A
/// workflow that already has an analysis gets the stored verdict again (with the CI job it named, the tool, codes and packages), never a new LLM call.
/// </summary>
public sealed partial class FailureAnalysisService(
    IEvidenceSource evidenceSource,
    IAnalysisStore store,
    LlmAnalyzer llm,
    IOptions<CheckAnalyzerOptions> options,
    ILogger<FailureAnalysisService> logger)
{
    public const string NotConfiguredReason = "GitHub access is not configured";

    private static readonly LlmUsage NoUsage = new() { Calls = 0, InputTokens = 0, OutputTokens = 0, CostUsd = 0 };

    public async Task<AnalysisOutcome> AnalyzeAsync(AnalyzeCheckFailure request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!evidenceSource.IsConfigured)
        {
            return Fail(request, NotConfiguredReason);
        }

        // A redelivered request gets the recorded verdict, evidence, files, tool, codes and packages: no new fetch, no new LLM call.
        if (await store.FindByWorkflowAsync(request.CorrelationId, cancellationToken) is { } stored)
        {
            LogRepublished(logger, request.CorrelationId);
            return Analyzed(
                request, stored.Category, stored.Strategy, stored.Confidence, stored.RootCause, stored.Evidence, stored.Files, Usage(stored), stored.Job,
                tool: stored.Tool, codes: stored.Codes, packages: stored.Packages);
        }

        FailureEvidence evidence;
        try
        {
            evidence = await evidenceSource.FetchAsync(request, options.Value.ToReductionSettings(), cancellationToken);
        }
        catch (EvidenceUnavailableException ex)
        {
            LogEvidenceUnavailable(logger, request.CorrelationId, ex.Message);
            return Fail(request, $"Could not fetch the failure evidence: {ex.Message}");
        }

        var log = evidence.Log;
        var rules = FailureClassifier.Classify(log, evidence.PassedElsewhere, llm.IsEnabled);
        LogClassified(logger, request.CorrelationId, rules.Category, rules.Rule, log.TotalLines, log.EstimatedTokens);

        var (category, strategy, confidence, rootCause, files, usage) = (rules.Category, rules.Strategy, rules.Confidence, rules.RootCause, rules.Files, NoUsage);
        if (llm.IsEnabled && rules.Category is FailureCategory.Compile or FailureCategory.Test or FailureCategory.Unknown)
        {
            var repository = request.PullRequest.Repository;
            if (await store.FindLlmAnalysisAsync(repository.InstallationId, repository.RepositoryId, log.Hash, cancellationToken) is { } cached)
            {
                LogCacheHit(logger, request.CorrelationId, log.Hash);
                (strategy, confidence, rootCause) = (cached.Strategy, cached.Confidence, cached.RootCause);
                files = [.. cached.Files.Concat(rules.Files).Distinct(StringComparer.Ordinal)];
            }
            else if (request.RulesOnly)
            {
                // Triage: no token is spent before the workflow knows the repository's configuration and budget. The
                // provisional verdict is not recorded, so the request that allows the LLM does the diagnosis.
                LogNeedsLlm(logger, request.CorrelationId, rules.Category);
                return Analyzed(request, category, strategy, confidence, rootCause, log.Text, files, usage, evidence.Job, needsLlm: true);
            }
            else
            {
                var result = await llm.AnalyzeAsync(request, log, rules, cancellationToken);
                usage = result.Usage;
                if (result.Verdict is { } verdict)
                {
                    (strategy, confidence, rootCause) = (verdict.Strategy, verdict.Confidence, verdict.RootCause);
                    files = [.. verdict.Files.Concat(rules.Files).Distinct(StringComparer.Ordinal)];
                }
            }
        }

        var analysis = new StoredAnalysis(
            request.CorrelationId, request.PullRequest.Repository.InstallationId, request.PullRequest.Repository.RepositoryId, log.Hash, category, strategy, confidence, rootCause, usage.Calls, usage.InputTokens, usage.OutputTokens, usage.CostUsd, log.Text, files, evidence.Job)
        {
            Tool = rules.Tool,
            Codes = rules.Codes,
            Packages = rules.Packages,
        };
        await RecordAsync(analysis, cancellationToken);
        return Analyzed(request, category, strategy, confidence, rootCause, log.Text, files, usage, evidence.Job, tool: rules.Tool, codes: rules.Codes, packages: rules.Packages);
    }

    private async Task RecordAsync(StoredAnalysis analysis, CancellationToken cancellationToken)
    {
        try
        {
            await store.InsertAsync(analysis, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The workflow row is claimed by PR Discovery; a request for an unknown workflow is still answered.
            LogUnknownWorkflow(logger, analysis.WorkflowId);
        }
    }

    private static LlmUsage Usage(StoredAnalysis stored) =>
        new() { Calls = stored.LlmCalls, InputTokens = stored.InputTokens, OutputTokens = stored.OutputTokens, CostUsd = stored.CostUsd };

    private static AnalysisOutcome Fail(AnalyzeCheckFailure request, string reason) =>
        new(null, new CheckFailureAnalysisFailed { CorrelationId = request.CorrelationId, Reason = reason });

    private static AnalysisOutcome Analyzed(
        AnalyzeCheckFailure request, FailureCategory category, FixStrategy strategy, double confidence, string rootCause, string evidence, IReadOnlyList<string> files, LlmUsage usage,
        CiJobReference? job, bool needsLlm = false, string? tool = null, IReadOnlyList<string>? codes = null, IReadOnlyList<string>? packages = null) =>
        new(new CheckFailureAnalyzed
        {
            CorrelationId = request.CorrelationId,
            Category = category,
            Strategy = strategy,
            Confidence = confidence,
            RootCause = rootCause,
            Evidence = evidence,
            Files = files,
            Usage = usage,
            NeedsLlm = needsLlm,
            Job = job,
            Tool = tool,
            Codes = codes ?? [],
            Packages = packages ?? [],
        }, null);

    [LoggerMessage(10, LogLevel.Information, "Workflow {WorkflowId}: classified {Category} by rule {Rule} ({TotalLines} log lines reduced to ~{Tokens} tokens)")]
    private static partial void LogClassified(ILogger logger, Guid workflowId, FailureCategory category, string rule, long totalLines, int tokens);

    [LoggerMessage(11, LogLevel.Warning, "Workflow {WorkflowId}: evidence unavailable: {Reason}")]
    private static partial void LogEvidenceUnavailable(ILogger logger, Guid workflowId, string reason);

    [LoggerMessage(12, LogLevel.Information, "Workflow {WorkflowId}: already analysed; re-publishing the stored verdict")]
    private static partial void LogRepublished(ILogger logger, Guid workflowId);

    [LoggerMessage(13, LogLevel.Information, "Workflow {WorkflowId}: LLM verdict reused from the cache (log hash {LogHash})")]
    private static partial void LogCacheHit(ILogger logger, Guid workflowId, string logHash);

    [LoggerMessage(15, LogLevel.Information, "Workflow {WorkflowId}: triage classified {Category}; the LLM diagnosis waits for the repository's configuration")]
    private static partial void LogNeedsLlm(ILogger logger, Guid workflowId, FailureCategory category);

    [LoggerMessage(14, LogLevel.Warning, "Workflow {WorkflowId}: no workflows row; the analysis is published but not recorded")]
    private static partial void LogUnknownWorkflow(ILogger logger, Guid workflowId);
}
