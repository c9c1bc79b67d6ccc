using Agentic.Git;
using Agentic.GitHub;
using Agentic.Persistence.Outbox;
using Agentic.Persistence.Sagas;
using Agentic.ResultProcessor.Api;
using Agentic.ResultProcessor.Consumers;
using Agentic.ResultProcessor.Options;
using Agentic.ResultProcessor.Publishing;
using Agentic.ResultProcessor.StateMachines;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;
using Agentic.Text;
using MassTransit;

namespace Agentic.ResultProcessor.Extensions;

public static class HostingExtensions
{
    public const string FixWorkflowTable = "fix_workflow_sagas";

    public static IHostApplicationBuilder AddResultProcessor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FixWorkflowOptions, FixWorkflowOptionsValidator>(FixWorkflowOptions.SectionName);
        builder.Services.AddGitHubClient(builder.Configuration);
        builder.Services.AddSecretScrubber(builder.Configuration);
        builder.Services.AddSingleton(new GitCli());
        builder.Services.AddSingleton<FixPublisher>();
        builder.Services.AddHostedService<FixWorkflowDeadlineSweeper>();
        builder.Services.AddHostedService<FixWorkflowStallSweeper>();
        builder.Services.AddSingleton<WorkflowQueries>();
        builder.Services.AddProblemDetails();
        builder.Services.AddPostgresOutbox("result_processor");
        builder.AddAgenticMessaging(bus =>
        {
            bus.AddSagaStateMachine<FixWorkflowStateMachine, FixWorkflowState>(typeof(FixWorkflowStateDefinition))
                .PostgresRepository(FixWorkflowTable);
            bus.AddConsumer<WorkflowFinishedConsumer>();
            bus.AddConsumer<PublishFixResultConsumer, PublishFixResultConsumerDefinition>();
            bus.AddConsumer<RerunRequestedConsumer>();
            bus.AddConsumer<LoadRepositoryConfigConsumer, LoadRepositoryConfigConsumerDefinition>();
            bus.AddConsumer<IssueRepositoryTokenConsumer>();
        });
        return builder;
    }
}
