using Agentic.CommandDispatcher.Tests.Infrastructure;
using Agentic.CommandDispatcher.Validation;
using Agentic.StandIns.GitHub;

namespace Agentic.CommandDispatcher.Tests.Validation;

/// <summary><see cref="ProposedDiff.Check"/> on what the real <c>git diff</c> writes, in a small repository in a temporary folder.</summary>
public sealed class ProposedDiffGitTests
{
    private const string Script = "scripts/build.sh";

    private TemporaryGitRepository _repository = null!;

    [SetUp]
    public async Task CreateRepository() => _repository = await TemporaryGitRepository.CreateAsync("agentic-dispatcher-git-", new Dictionary<string, string>
    {
        [Diffs.CartPath] = Diffs.Cart,
        [Script] = "#!/bin/sh\ndotnet build\n",
        ["README.md"] = "# shop\n",
    });

    [TearDown]
    public void DeleteRepository() => _repository.Dispose();

    [Test]
    public async Task Should_apply_cleanly_when_git_applies_the_sample_diff_the_other_tests_use()
    {
        var check = await GitCommand.RunAsync(_repository.Path, ["apply", "--check", "-"], CancellationToken.None, input: System.Text.Encoding.UTF8.GetBytes(Diffs.FixCart));

        Assert.That(check.Succeeded, Is.True, check.Error);
    }

    [Test]
    public async Task Should_accept_what_git_writes_when_it_edits_shown_files_and_adds_new_ones()
    {
        Write(Diffs.CartPath, Diffs.Cart.Replace("i.Price)", "i.Price * i.Quantity)", StringComparison.Ordinal));
        Write("src/Shop/py.typed", "");
        Write("docs/cart.md", "# Cart\n\nTotals multiply by quantity.\n");
        File.Delete(Path.Combine(_repository.Path, "README.md"));

        var diff = await StagedDiffAsync(makeExecutable: Script);

        Assert.That(diff, Does.Contain("new mode 100755").And.Contain("new file mode 100644\nindex 0000000..e69de29\n"), "git wrote a mode change and an empty new file");
        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath, Script, "README.md"), 64 * 1024, 10), Is.Null);
    }

    [Test]
    public async Task Should_accept_what_git_writes_when_it_removes_a_comment_line_that_starts_with_two_dashes()
    {
        Write(Script, "#!/bin/sh\n-- not a comment in sh, a stray line\ndotnet build\n");
        await GitAsync("commit", "--quiet", "--all", "-m", "A stray line");
        Write(Script, "#!/bin/sh\ndotnet build\n++ build-number\n");

        var diff = await StagedDiffAsync();

        Assert.That(diff, Does.Contain("\n--- not a comment in sh, a stray line\n").And.Contain("\n+++ build-number\n"));
        Assert.That(ProposedDiff.Check(diff, Shown(Script), 64 * 1024, 10), Is.Null);
    }

    [Test]
    public async Task Should_refuse_what_git_writes_when_a_mode_change_touches_a_file_not_shown()
    {
        Write(Diffs.CartPath, Diffs.Cart.Replace("i.Price)", "i.Price * i.Quantity)", StringComparison.Ordinal));

        var diff = await StagedDiffAsync(makeExecutable: Script);

        Assert.That(diff, Does.Contain($"diff --git a/{Script} b/{Script}\nold mode 100644\nnew mode 100755\n"));
        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath), 64 * 1024, 10), Is.EqualTo($"'{Script}' was not among the files the model was shown"));
    }

    [Test]
    public async Task Should_refuse_what_git_writes_when_it_renames_a_file()
    {
        await GitAsync("mv", "README.md", "README.markdown");

        var diff = await StagedDiffAsync(options: "-M");

        Assert.That(diff, Does.Contain("rename from README.md"));
        Assert.That(ProposedDiff.Check(diff, Shown("README.md"), 64 * 1024, 10), Is.EqualTo("renames and copies are not accepted"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Should_refuse_what_git_writes_when_it_adds_a_binary_file(bool binaryPatch)
    {
        Write(Diffs.CartPath, Diffs.Cart.Replace("i.Price)", "i.Price * i.Quantity)", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(_repository.Path, "assets"));
        await File.WriteAllBytesAsync(Path.Combine(_repository.Path, "assets", "logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x0D, 0x0A, 0x1A, 0x00]);

        // Without --binary, git writes only "Binary files /dev/null and b/assets/logo.png differ".
        var diff = await StagedDiffAsync(options: binaryPatch ? "--binary" : "--no-renames");

        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath), 64 * 1024, 10), Is.EqualTo("binary patches are not accepted"));
    }

    [Test]
    public async Task Should_refuse_what_git_writes_when_it_adds_a_symbolic_link()
    {
        Write(Diffs.CartPath, Diffs.Cart.Replace("i.Price)", "i.Price * i.Quantity)", StringComparison.Ordinal));
        File.CreateSymbolicLink(Path.Combine(_repository.Path, "src", "secrets"), "/etc");

        var diff = await StagedDiffAsync();

        Assert.That(diff, Does.Contain("new file mode 120000"));
        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath), 64 * 1024, 10), Is.EqualTo("symbolic links and submodules are not accepted"));
    }

    private static HashSet<string> Shown(params string[] paths) => new(paths, StringComparer.Ordinal);

    private void Write(string path, string content) => _repository.Write(path, content);

    /// <summary>Stages everything (and, in the index, makes <paramref name="makeExecutable"/> executable) and returns <c>git diff --cached</c>.</summary>
    private async Task<string> StagedDiffAsync(string? makeExecutable = null, string options = "--no-renames")
    {
        await GitAsync("add", "--all");
        if (makeExecutable is not null)
        {
            await GitAsync("update-index", "--chmod=+x", makeExecutable);
        }

        return await _repository.CachedDiffAsync(options);
    }

    private Task<string> GitAsync(params string[] arguments) => _repository.GitAsync(arguments);
}
