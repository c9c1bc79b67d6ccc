using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;
using Agentic.Executor.Consumers;
using Agentic.Executor.Tests.Infrastructure;
using Agentic.Executor.Workspaces;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.Executor.Tests.Consumers;

public sealed class MirrorCleanupConsumerTests
{
    [TestCase("removed")]
    [TestCase("deleted")]
    public async Task Should_delete_the_mirror_when_the_repository_leaves_the_installation(string action)
    {
        await using var executor = await ExecutorHarness.StartAsync();
        var gone = await executor.CreateRepositoryAsync("leaving-" + action, new Dictionary<string, string?> { ["a.txt"] = "a\n" });
        var stays = await executor.CreateRepositoryAsync("staying-" + action, new Dictionary<string, string?> { ["b.txt"] = "b\n" });
        string goneMirror;
        await using (var workspace = await executor.Workspaces.PrepareAsync(await executor.SourceAsync(gone), await ExecutorHarness.HeadAsync(gone), CancellationToken.None))
        {
            goneMirror = workspace.MirrorDirectory;
        }

        string staysMirror;
        await using (var workspace = await executor.Workspaces.PrepareAsync(await executor.SourceAsync(stays), await ExecutorHarness.HeadAsync(stays), CancellationToken.None))
        {
            staysMirror = workspace.MirrorDirectory;
        }

        await using var provider = await StartConsumerAsync(executor);
        var harness = provider.GetTestHarness();

        await harness.Bus.Publish(new InstallationChanged
        {
            CorrelationId = Guid.NewGuid(),
            DeliveryId = Guid.NewGuid().ToString(),
            InstallationId = executor.Installation.Id,
            Account = ExecutorHarness.Owner,
            Action = action,
            RepositoriesAdded = [],
            RepositoriesRemoved = action == "removed"
                ? [new RepositoryRef { InstallationId = executor.Installation.Id, RepositoryId = gone.Id, Owner = gone.Owner, Name = gone.Name }]
                : [],
        });

        Assert.That(await harness.GetConsumerHarness<MirrorCleanupConsumer>().Consumed.Any<InstallationChanged>(), Is.True);
        Assert.That(Directory.Exists(goneMirror), Is.False, "the mirror of the removed repository is deleted");
        Assert.That(Directory.Exists(staysMirror), Is.EqualTo(action == "removed"), "an uninstall deletes every mirror of the installation");
    }

    [TestCase("deleted")]
    [TestCase("transferred")]
    public async Task Should_delete_the_mirror_when_the_repository_is_deleted_or_transferred(string action)
    {
        await using var executor = await ExecutorHarness.StartAsync();
        var gone = await executor.CreateRepositoryAsync("gone-" + action, new Dictionary<string, string?> { ["a.txt"] = "a\n" });
        var stays = await executor.CreateRepositoryAsync("kept-" + action, new Dictionary<string, string?> { ["b.txt"] = "b\n" });
        var mirrors = new List<string>();
        foreach (var repository in new[] { gone, stays })
        {
            await using var workspace = await executor.Workspaces.PrepareAsync(await executor.SourceAsync(repository), await ExecutorHarness.HeadAsync(repository), CancellationToken.None);
            mirrors.Add(workspace.MirrorDirectory);
        }

        await using var provider = await StartConsumerAsync(executor);
        var harness = provider.GetTestHarness();

        await harness.Bus.Publish(new RepositoryChanged
        {
            CorrelationId = Guid.NewGuid(),
            DeliveryId = Guid.NewGuid().ToString(),
            Repository = new RepositoryRef { InstallationId = executor.Installation.Id, RepositoryId = gone.Id, Owner = gone.Owner, Name = gone.Name },
            Action = action,
        });

        Assert.That(await harness.GetConsumerHarness<MirrorCleanupConsumer>().Consumed.Any<RepositoryChanged>(), Is.True);
        Assert.That(Directory.Exists(mirrors[0]), Is.False, "the mirror of the deleted or transferred repository is deleted");
        Assert.That(Directory.Exists(mirrors[1]), Is.True, "other repositories keep their mirrors");
    }

    [Test]
    public async Task Should_clone_a_fresh_mirror_when_a_repository_is_recreated_under_the_same_name()
    {
        await using var executor = await ExecutorHarness.StartAsync();
        var first = await executor.CreateRepositoryAsync("reborn", new Dictionary<string, string?> { ["secret.txt"] = "old private history\n" });
        string firstMirror;
        await using (var workspace = await executor.Workspaces.PrepareAsync(await executor.SourceAsync(first), await ExecutorHarness.HeadAsync(first), CancellationToken.None))
        {
            firstMirror = workspace.MirrorDirectory;
        }

        executor.StandIn.DeleteRepository(first.Owner, first.Name);
        var second = await executor.CreateRepositoryAsync("reborn", new Dictionary<string, string?> { ["new.txt"] = "new\n" });

        await using var reborn = await executor.Workspaces.PrepareAsync(await executor.SourceAsync(second), await ExecutorHarness.HeadAsync(second), CancellationToken.None);

        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
        Assert.That(reborn.MirrorDirectory, Is.Not.EqualTo(firstMirror));
        Assert.That(reborn.Refresh, Is.EqualTo(MirrorRefresh.Cloned));
        Assert.That(reborn.MirrorDirectory, Does.EndWith($"/{executor.Installation.Id}/{second.Id}.git"));
        Assert.That(File.Exists(Path.Combine(reborn.Directory, "secret.txt")), Is.False);
    }

    /// <summary>The consumer on an in-memory test bus over the harness's workspaces.</summary>
    private static async Task<ServiceProvider> StartConsumerAsync(ExecutorHarness executor)
    {
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(executor.Workspaces)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<MirrorCleanupConsumer>())
            .BuildServiceProvider(true);
        await provider.GetTestHarness().Start();
        return provider;
    }
}
