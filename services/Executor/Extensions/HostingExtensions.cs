using Agentic.Executor.Commands;
using Agentic.Executor.Commands.Fixers;
using Agentic.Executor.Consumers;
using Agentic.Executor.Egress;
using Agentic.Executor.Execution;
using Agentic.Executor.Options;
using Agentic.Executor.Patches;
using Agentic.Executor.Persistence;
using Agentic.Executor.Processes;
using Agentic.Executor.Reproduction;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Setup;
using Agentic.Executor.Validation;
using Agentic.Executor.Workspaces;
using Agentic.Git;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Extensions;

public static class HostingExtensions
{
    /// <summary>The kebab-case receive endpoint of <see cref="ExecuteCommandConsumer"/>.</summary>
    public const string ExecuteCommandEndpoint = "execute-command";

    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        // No GitHub client and no GitHub credentials here: repository tokens come from the Result Processor (ADR-008).
        builder.Services.AddExecutorCore();
        builder.Services.TryAddSingleton<IRepositoryAccess, BrokeredRepositoryAccess>();
        builder.Services.TryAddSingleton<ICommandExecutionStore, PostgresCommandExecutionStore>();
        builder.Services.AddHostedService<DependencyCacheCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EgressProxy>());
        builder.AddAgenticMessaging(bus =>
        {
            bus.AddConsumer<ExecuteCommandConsumer>();
            bus.AddConsumer<MirrorCleanupConsumer>();
        });
        builder.Services.PostConfigure<MessagingOptions>(options => options.LimitCommandsToCores(Environment.ProcessorCount));
        return builder;
    }

    /// <summary>
    /// Builds and tests are CPU-bound: unless <c>Messaging:Endpoints:execute-command:ConcurrentMessageLimit</c> says
    /// otherwise, the Executor runs as many commands at once as there are cores, never the bus-wide default.
    /// </summary>
    public static void LimitCommandsToCores(this MessagingOptions options, int processorCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.Endpoints.TryGetValue(ExecuteCommandEndpoint, out var configured) ? configured : new MessagingOptions.EndpointOptions();
        endpoint.ConcurrentMessageLimit ??= Math.Max(1, processorCount);
        options.Endpoints[ExecuteCommandEndpoint] = endpoint;
    }

    /// <summary>Workspaces, sandbox, command library, validation and the pipeline (no GitHub, database or bus).</summary>
    public static IServiceCollection AddExecutorCore(this IServiceCollection services)
    {
        services.AddValidatedOptions<ExecutorOptions, ExecutorOptionsValidator>(ExecutorOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProcessRunner>();
        // Working copies belong to the sandbox account when the Executor runs as root: git trusts the one it runs in.
        services.TryAddSingleton(sp => new GitCli(sp.GetRequiredService<IOptions<ExecutorOptions>>().Value.GitTimeout, trustWorkingDirectory: true));
        services.TryAddSingleton<SandboxAccount>();
        services.TryAddSingleton(sp => new SecretScrubber(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<WorkspaceManager>();
        services.TryAddSingleton<CgroupLimits>();
        services.TryAddSingleton<DependencyCaches>();
        services.TryAddSingleton<SandboxProfiles>();
        services.TryAddSingleton<SandboxRunner>();
        services.TryAddSingleton<EgressProxy>();
        services.TryAddSingleton<RepositoryCaches>();
        services.TryAddSingleton<SetupPhase>();
        services.TryAddSingleton<PatchBuilder>();
        services.TryAddSingleton<ValidationRunner>();
        services.TryAddSingleton<ToolchainProbe>();
        services.TryAddSingleton<Reproducer>();
        services.TryAddSingleton<FixerCatalog>();
        services.AddSingleton<ILibraryCommand, FormatCommand>();
        services.AddSingleton<ILibraryCommand, ApplyDiffCommand>();
        services.AddSingleton<ILibraryCommand, ValidateCommand>();
        services.TryAddSingleton<CommandLibrary>();
        services.TryAddSingleton<ExecutionPipeline>();
        return services;
    }
}
