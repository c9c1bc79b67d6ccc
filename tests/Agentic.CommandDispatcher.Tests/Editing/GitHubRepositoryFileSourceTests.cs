using Agentic.CommandDispatcher.Editing;
using Agentic.CommandDispatcher.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.CommandDispatcher.Tests.Editing;

/// <summary>The file source against the GitHub stand-in, whose contents API reads a real git repository.</summary>
public sealed class GitHubRepositoryFileSourceTests
{
    private DispatcherHarness _harness = null!;
    private IRepositoryFileSource _source = null!;
    private string _headSha = null!;

    [SetUp]
    public async Task StartStandIn()
    {
        _harness = await DispatcherHarness.StartAsync(withLlm: false, new Dictionary<string, string?>
        {
            [Diffs.CartPath] = Diffs.Cart,
            ["README.md"] = "# shop\n",
        });
        _headSha = await _harness.Repository.CommitFilesAsync(
            "feature/cart",
            new Dictionary<string, string?> { ["src/Shop/Item.cs"] = "namespace Shop;\n\npublic sealed record Item(string Name, decimal Price);\n", ["assets/logo.bin"] = "PNG\0\u0001\u0002" },
            "Add items",
            CancellationToken.None);
        _source = _harness.Services.GetRequiredService<IRepositoryFileSource>();
    }

    [TearDown]
    public async Task StopStandIn() => await _harness.DisposeAsync();

    [Test]
    public async Task Should_read_a_file_when_it_exists_at_the_head_commit()
    {
        var file = await _source.GetAsync(_harness.PullRequest(_headSha), Diffs.CartPath, 64 * 1024, CancellationToken.None);

        Assert.That(file, Is.EqualTo(new RepositoryFile(Diffs.CartPath, Diffs.Cart)));
    }

    [Test]
    public async Task Should_read_the_head_commit_when_the_branch_has_moved_on()
    {
        await _harness.Repository.CommitFilesAsync("feature/cart", new Dictionary<string, string?> { [Diffs.CartPath] = "// rewritten later\n" }, "Later", CancellationToken.None);

        var file = await _source.GetAsync(_harness.PullRequest(_headSha), Diffs.CartPath, 64 * 1024, CancellationToken.None);

        Assert.That(file?.Content, Is.EqualTo(Diffs.Cart));
    }

    [Test]
    public async Task Should_read_a_file_when_it_was_added_on_the_pull_requests_branch()
    {
        var file = await _source.GetAsync(_harness.PullRequest(_headSha), "src/Shop/Item.cs", 64 * 1024, CancellationToken.None);

        Assert.That(file?.Content, Does.StartWith("namespace Shop;"));
    }

    [TestCase("src/Shop/Missing.cs")]
    [TestCase("src/Shop")]
    [TestCase("assets/logo.bin")]
    public async Task Should_return_nothing_when_the_path_is_missing_a_directory_or_binary(string path)
    {
        var file = await _source.GetAsync(_harness.PullRequest(_headSha), path, 64 * 1024, CancellationToken.None);

        Assert.That(file, Is.Null);
    }

    [Test]
    public async Task Should_return_nothing_when_the_file_is_over_the_size_cap()
    {
        var size = System.Text.Encoding.UTF8.GetByteCount(Diffs.Cart);

        Assert.That(await _source.GetAsync(_harness.PullRequest(_headSha), Diffs.CartPath, size - 1, CancellationToken.None), Is.Null);
        Assert.That(await _source.GetAsync(_harness.PullRequest(_headSha), Diffs.CartPath, size, CancellationToken.None), Is.Not.Null);
    }
}
