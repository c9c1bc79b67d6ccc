using Agentic.CommandDispatcher.Tests.Infrastructure;
using Agentic.CommandDispatcher.Validation;
using Agentic.StandIns.GitHub;

namespace Agentic.CommandDispatcher.Tests.Validation;

/// <summary><see cref="ProposedDiff.Check"/> on what the real <c>git diff</c> writes, in a small repository in a temporary folder.</summary>
public sealed class ProposedDiffGitTests
{
    private const string Script = "scripts/build.sh";

    private string _repository = null!;

    [SetUp]
    public async Task CreateRepository()
    {
        _repository = Directory.CreateTempSubdirectory("agentic-dispatcher-git-").FullName;
        await GitAsync("init", "--quiet", "--initial-branch=main");
        Write(Diffs.CartPath, Diffs.Cart);
        Write(Script, "#!/bin/sh\ndotnet build\n");
        Write("README.md", "# shop\n");
        await GitAsync("add", "--all");
        await GitAsync("commit", "--quiet", "-m", "Initial commit");
    }

    [TearDown]
    public void DeleteRepository() => Directory.Delete(_repository, recursive: true);

    [Test]
    public async Task Should_apply_cleanly_when_git_applies_the_sample_diff_the_other_tests_use()
    {
        var check = await GitCommand.RunAsync(_repository, ["apply", "--check", "-"], CancellationToken.None, input: System.Text.Encoding.UTF8.GetBytes(Diffs.FixCart));

        Assert.That(check.Succeeded, Is.True, check.Error);
    }

    [Test]
    public async Task Should_accept_what_git_writes_when_it_edits_shown_files_and_adds_new_ones()
    {
        Write(Diffs.CartPath, Diffs.Cart.Replace("i.Price)", "i.Price * i.Quantity)", StringComparison.Ordinal));
        Write("src/Shop/py.typed", "");
        Write("docs/cart.md", "# Cart\n\nTotals multiply by quantity.\n");
        File.Delete(Path.Combine(_repository, "README.md"));

        var diff = await StagedDiffAsync(makeExecutable: Script);

        Assert.That(diff, Does.Contain("new mode 100755").And.Contain("new file mode 100644\nindex 0000000..e69de29\n"), "git wrote a mode change and an empty new file");
        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath, Script, "README.md"), 64 * 1024, 10), Is.Null);
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
        Directory.CreateDirectory(Path.Combine(_repository, "assets"));
        await File.WriteAllBytesAsync(Path.Combine(_repository, "assets", "logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x0D, 0x0A, 0x1A, 0x00]);

        // Without --binary, git writes only "Binary files /dev/null and b/assets/logo.png differ".
        var diff = await StagedDiffAsync(options: binaryPatch ? "--binary" : "--no-renames");

        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath), 64 * 1024, 10), Is.EqualTo("binary patches are not accepted"));
    }

    [Test]
    public async Task Should_refuse_what_git_writes_when_it_adds_a_symbolic_link()
    {
        Write(Diffs.CartPath, Diffs.Cart.Replace("i.Price)", "i.Price * i.Quantity)", StringComparison.Ordinal));
        File.CreateSymbolicLink(Path.Combine(_repository, "src", "secrets"), "/etc");

        var diff = await StagedDiffAsync();

        Assert.That(diff, Does.Contain("new file mode 120000"));
        Assert.That(ProposedDiff.Check(diff, Shown(Diffs.CartPath), 64 * 1024, 10), Is.EqualTo("symbolic links and submodules are not accepted"));
    }

    private static HashSet<string> Shown(params string[] paths) => new(paths, StringComparer.Ordinal);

    private void Write(string path, string content)
    {
        var full = Path.Combine(_repository, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Stages everything (and, in the index, makes <paramref name="makeExecutable"/> executable) and returns <c>git diff --cached</c>.</summary>
    private async Task<string> StagedDiffAsync(string? makeExecutable = null, string options = "--no-renames")
    {
        await GitAsync("add", "--all");
        if (makeExecutable is not null)
        {
            await GitAsync("update-index", "--chmod=+x", makeExecutable);
        }

        var diff = await GitCommand.RunAsync(_repository, ["diff", "--cached", "--no-color", options], CancellationToken.None);
        Assert.That(diff.Succeeded, Is.True, diff.Error);
        return diff.OutputText;
    }

    private async Task GitAsync(params string[] arguments) =>
        (await GitCommand.RunAsync(_repository, arguments, CancellationToken.None)).EnsureSuccess(arguments[0]);
}
