using Agentic.CheckAnalyzer.Analysis;
using Agentic.CheckAnalyzer.Consumers;
using Agentic.CheckAnalyzer.Evidence;
using Agentic.CheckAnalyzer.Llm;
using Agentic.CheckAnalyzer.Options;
using Agentic.CheckAnalyzer.Persistence;
using Agentic.GitHub;
using Agentic.Llm;
using Agentic.Persistence.Outbox;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.CheckAnalyzer.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddCheckAnalyzer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCheckAnalyzerServices(builder.Configuration);
        builder.Services.AddPostgresOutbox("check_analyzer");
        builder.AddAgenticMessaging(bus => bus.AddConsumer<AnalyzeCheckFailureConsumer, AnalyzeCheckFailureConsumerDefinition>());
        return builder;
    }

    /// <summary>
    /// Everything but the bus: options, the GitHub client, the evidence source, the LLM (none by default) and the
    /// analyses store. A store or evidence source registered before is kept (tests).
    /// </summary>
    public static IServiceCollection AddCheckAnalyzerServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<CheckAnalyzerOptions, CheckAnalyzerOptionsValidator>(CheckAnalyzerOptions.SectionName);
        services.AddGitHubClient(configuration);
        services.TryAddSingleton<IEvidenceSource, GitHubEvidenceSource>();
        services.TryAddSingleton<IAnalysisStore, PostgresAnalysisStore>();
        services.AddLlm(configuration, $"{CheckAnalyzerOptions.SectionName}:{LlmOptions.SectionName}");
        services.TryAddSingleton<LlmAnalyzer>();
        services.TryAddSingleton<FailureAnalysisService>();
        return services;
    }
}
