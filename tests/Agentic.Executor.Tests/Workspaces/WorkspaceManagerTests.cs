using Agentic.Executor.Tests.Infrastructure;
using Agentic.Executor.Workspaces;

namespace Agentic.Executor.Tests.Workspaces;

public sealed class WorkspaceManagerTests
{
    [Test]
    public async Task Should_fetch_into_the_warm_mirror_when_a_second_workspace_is_prepared()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("mirror-reuse", new Dictionary<string, string?> { ["README.md"] = "one\n" });
        var source = await harness.SourceAsync(repository);
        var first = await ExecutorHarness.HeadAsync(repository);

        Workspace firstWorkspace;
        await using (firstWorkspace = await harness.Workspaces.PrepareAsync(source, first, CancellationToken.None))
        {
            Assert.That(firstWorkspace.Refresh, Is.EqualTo(MirrorRefresh.Cloned));
            Assert.That(File.ReadAllText(Path.Combine(firstWorkspace.Directory, "README.md")), Is.EqualTo("one\n"));
        }

        var mirrorMarker = Path.Combine(firstWorkspace.MirrorDirectory, "agentic-test-marker");
        await File.WriteAllTextAsync(mirrorMarker, "same mirror");
        var second = await repository.CommitFilesAsync("main", new Dictionary<string, string?> { ["README.md"] = "two\n" }, "Second", CancellationToken.None);

        await using (var secondWorkspace = await harness.Workspaces.PrepareAsync(source, second, CancellationToken.None))
        {
            Assert.That(secondWorkspace.Refresh, Is.EqualTo(MirrorRefresh.Fetched));
            Assert.That(File.Exists(mirrorMarker), Is.True, "the mirror was reused, not re-cloned");
            Assert.That(File.ReadAllText(Path.Combine(secondWorkspace.Directory, "README.md")), Is.EqualTo("two\n"));
            Assert.That(secondWorkspace.Directory, Is.Not.EqualTo(firstWorkspace.Directory));
        }

        await using (var third = await harness.Workspaces.PrepareAsync(source, first, CancellationToken.None))
        {
            Assert.That(third.Refresh, Is.EqualTo(MirrorRefresh.Reused));
            Assert.That(File.ReadAllText(Path.Combine(third.Directory, "README.md")), Is.EqualTo("one\n"));
        }

        Assert.That(Directory.Exists(firstWorkspace.Directory), Is.False, "working copies are removed after use");
    }

    [Test]
    public async Task Should_keep_the_token_out_of_every_git_config_when_cloning_a_private_repository()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("private-one", new Dictionary<string, string?> { ["a.txt"] = "a\n" }, isPrivate: true);
        var source = await harness.SourceAsync(repository);
        Assert.That(source.Token, Is.Not.Null.And.Not.Empty);

        await using var workspace = await harness.Workspaces.PrepareAsync(source, await ExecutorHarness.HeadAsync(repository), CancellationToken.None);

        var configs = new[] { Path.Combine(workspace.MirrorDirectory, "config"), Path.Combine(workspace.Directory, ".git", "config") };
        foreach (var config in configs)
        {
            var text = await File.ReadAllTextAsync(config);
            Assert.That(text, Does.Not.Contain(source.Token!));
            Assert.That(text, Does.Not.Contain("extraHeader").IgnoreCase);
        }
    }

    [Test]
    public async Task Should_fail_clearly_when_the_commit_does_not_exist()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("missing-commit", new Dictionary<string, string?> { ["a.txt"] = "a\n" });
        var source = await harness.SourceAsync(repository);

        var error = Assert.ThrowsAsync<WorkspaceException>(async () =>
            await harness.Workspaces.PrepareAsync(source, new string('e', 40), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("is not in"));
    }
}
