using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Execution;
using Agentic.Executor.Extensions;
using Agentic.Executor.Options;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Workspaces;
using Agentic.StandIns.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.Executor.Tests.Infrastructure;

/// <summary>The executor's services (no bus, no database) over a GitHub stand-in with one App installed on <see cref="Owner"/>.</summary>
public sealed class ExecutorHarness : IAsyncDisposable
{
    public const string Owner = "octo-org";

    private ExecutorHarness(GitHubStandIn standIn, StandInInstallation installation, ServiceProvider services, string root)
    {
        StandIn = standIn;
        Installation = installation;
        Services = services;
        Root = root;
    }

    public GitHubStandIn StandIn { get; }

    public StandInInstallation Installation { get; }

    public ServiceProvider Services { get; }

    public string Root { get; }

    public ExecutionPipeline Pipeline => Services.GetRequiredService<ExecutionPipeline>();

    public WorkspaceManager Workspaces => Services.GetRequiredService<WorkspaceManager>();

    public SandboxRunner Sandbox => Services.GetRequiredService<SandboxRunner>();

    public static async Task<ExecutorHarness> StartAsync(bool configureGitHub = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        await EnsureSandboxAccountAsync();
        var standIn = new GitHubStandIn();
        await standIn.StartAsync();
        var app = standIn.AddApp("agentic");
        var installation = standIn.AddInstallation(app, Owner);
        var root = Path.Combine(Path.GetTempPath(), "agentic-executor-tests", Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["Executor:WorkspaceRoot"] = root,
        };

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddExecutorCore();
        services.AddSingleton<IRepositoryAccess>(new StandInRepositoryAccess(standIn, configureGitHub));
        return new ExecutorHarness(standIn, installation, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), root);
    }

    public Task<StandInRepository> CreateRepositoryAsync(string name, IReadOnlyDictionary<string, string?> files, bool isPrivate = true) =>
        StandIn.CreateRepositoryAsync(Owner, name, isPrivate, "main", null, files);

    public static async Task<string> HeadAsync(StandInRepository repository) =>
        await repository.ResolveCommitAsync("main", CancellationToken.None) ?? throw new InvalidOperationException("no main");

    public ExecuteCommand Command(StandInRepository repository, string headSha, string command, IReadOnlyDictionary<string, string>? arguments = null, TimeSpan? timeout = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        ExecutionId = Guid.NewGuid(),
        PullRequest = new PullRequestRef
        {
            Repository = new RepositoryRef { InstallationId = Installation.Id, RepositoryId = repository.Id, Owner = repository.Owner, Name = repository.Name },
            Number = 1,
            HeadSha = headSha,
            HeadRef = "main",
            BaseRef = "main",
        },
        Command = command,
        Arguments = arguments ?? new Dictionary<string, string>(),
        Attempt = 1,
        Timeout = timeout ?? TimeSpan.FromMinutes(2),
    };

    public async Task<RepositorySource> SourceAsync(StandInRepository repository) =>
        await Services.GetRequiredService<IRepositoryAccess>().GetAsync(
            new RepositoryRef { InstallationId = Installation.Id, RepositoryId = repository.Id, Owner = repository.Owner, Name = repository.Name },
            Guid.NewGuid(),
            CancellationToken.None);

    /// <summary>
    /// As root (CI), sandboxed commands run as the unprivileged <see cref="SandboxOptions.User"/>, which
    /// <c>AppHost/prerequisites.sh</c> creates; created here too for a bare <c>dotnet test</c>.
    /// </summary>
    public static async Task EnsureSandboxAccountAsync()
    {
        var name = new SandboxOptions().User;
        if (!SandboxAccount.IsRoot || SandboxAccount.Find(name) is not null)
        {
            return;
        }

        using var useradd = System.Diagnostics.Process.Start("useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name]);
        await useradd.WaitForExitAsync();
        if (SandboxAccount.Find(name) is null)
        {
            throw new InvalidOperationException($"Cannot create the sandbox account {name} (useradd exit {useradd.ExitCode}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await StandIn.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

/// <summary>
/// What the Result Processor's token broker answers (ADR-008), without a bus: a read-only token of the stand-in limited
/// to the one repository, and its clone URL. Not configured: refused as the broker refuses.
/// </summary>
public sealed class StandInRepositoryAccess(GitHubStandIn standIn, bool configured) : IRepositoryAccess
{
    public Task<RepositorySource> GetAsync(RepositoryRef repository, Guid correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!configured)
        {
            throw new RepositoryAccessException(ExecutionMessages.GitHubNotConfigured);
        }

        var (token, _) = standIn.IssueInstallationToken(repository.InstallationId, new HashSet<long> { repository.RepositoryId }, contentsReadOnly: true);
        var cloneUrl = new Uri(standIn.BaseUri, $"{repository.Owner}/{repository.Name}.git");
        return Task.FromResult(new RepositorySource(repository.InstallationId, repository.RepositoryId, repository.Owner, repository.Name, cloneUrl, token));
    }
}
