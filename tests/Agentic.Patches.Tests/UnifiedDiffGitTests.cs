using System.Text;
using Agentic.StandIns.GitHub;

namespace Agentic.Patches.Tests;

/// <summary><see cref="UnifiedDiff.Read"/> on what the real <c>git diff</c> writes, in a small repository in a temporary folder.</summary>
public sealed class UnifiedDiffGitTests
{
    private const string Schema = "-- The counters.\n-- TODO: drop the old table\nCREATE TABLE counter (n int);\n";

    private const string Loop = "int main(void)\n{\n    int i = 0;\n    return i;\n}\n";

    private TemporaryGitRepository _repository = null!;

    [SetUp]
    public async Task CreateRepository() => _repository = await TemporaryGitRepository.CreateAsync("agentic-patches-git-", new Dictionary<string, string>
    {
        ["db/schema.sql"] = Schema,
        ["src/loop.c"] = Loop,
        ["scripts/build.sh"] = "#!/bin/sh\nmake\n",
        ["README.md"] = "# counter\n\nCounts.\n",
        ["notes.txt"] = "no newline at the end",
    });

    [TearDown]
    public void DeleteRepository() => _repository.Dispose();

    [Test]
    public async Task Should_read_header_like_lines_as_content_when_git_writes_a_removed_sql_comment_and_an_added_increment()
    {
        Write("db/schema.sql", Schema.Replace("-- TODO: drop the old table\n", "", StringComparison.Ordinal) + "-- a/.github/workflows/ci.yml\n");
        Write("src/loop.c", Loop.Replace("    int i = 0;\n", "    int i = 0;\n++i;\n++ i;\n", StringComparison.Ordinal));
        var text = await StagedDiffAsync();
        Assert.That(text, Does.Contain("\n--- TODO: drop the old table\n").And.Contain("\n+++i;\n").And.Contain("\n+++ i;\n").And.Contain("\n+-- a/.github/workflows/ci.yml\n"));

        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Select(f => string.Join(",", f.Paths)), Is.EqualTo(new[] { "db/schema.sql", "src/loop.c" }));
        Assert.That(diff.HunkCount, Is.EqualTo(HunkHeaders(text)));
        await ResetAsync();
        var check = await GitCommand.RunAsync(_repository.Path, ["apply", "--check", "-"], CancellationToken.None, input: Encoding.UTF8.GetBytes(text));
        Assert.That(check.Succeeded, Is.True, "git reads the same lines as content: " + check.Error);
    }

    [Test]
    public async Task Should_tell_new_deleted_empty_and_mode_changed_files_when_git_writes_them()
    {
        Write("docs/usage.md", "# Usage\n");
        Write("py.typed", "");
        File.Delete(Path.Combine(_repository.Path, "README.md"));
        File.AppendAllText(Path.Combine(_repository.Path, "notes.txt"), "\nnow with one\n");

        await GitAsync("add", "--all");
        await GitAsync("update-index", "--chmod=+x", "scripts/build.sh");
        var diff = UnifiedDiff.Read(await CachedDiffAsync());

        Assert.That(diff.Problem, Is.Null);
        var files = diff.Files.ToDictionary(f => (f.NewPath ?? f.OldPath)!);
        Assert.Multiple(() =>
        {
            Assert.That(files.Keys, Is.EquivalentTo(new[] { "docs/usage.md", "py.typed", "README.md", "notes.txt", "scripts/build.sh" }));
            Assert.That((files["docs/usage.md"].IsNew, files["docs/usage.md"].OldPath, Counts(files["docs/usage.md"])), Is.EqualTo((true, (string?)null, (0, 0, 1, 1))));
            Assert.That((files["py.typed"].IsNew, files["py.typed"].Hunks.Count, files["py.typed"].NewMode), Is.EqualTo((true, 0, "100644")), "an empty file has no ---/+++ lines");
            Assert.That((files["README.md"].IsDeleted, files["README.md"].NewPath, Counts(files["README.md"])), Is.EqualTo((true, (string?)null, (1, 3, 0, 0))));
            Assert.That(Counts(files["notes.txt"]), Is.EqualTo((1, 1, 1, 2)), "the old last line had no newline");
            Assert.That((files["scripts/build.sh"].IsModeChange, files["scripts/build.sh"].OldMode, files["scripts/build.sh"].NewMode), Is.EqualTo((true, "100644", "100755")));
            Assert.That(diff.Files.Any(f => f.IsRenamed || f.IsCopied || f.IsBinary || f.IsSymlink || f.IsSubmodule), Is.False);
        });
    }

    [Test]
    public async Task Should_tell_a_rename_when_git_detects_one()
    {
        await GitAsync("mv", "README.md", "README.markdown");

        var file = UnifiedDiff.Read(await StagedDiffAsync("-M")).Files.Single();

        Assert.That((file.IsRenamed, file.OldPath, file.NewPath), Is.EqualTo((true, "README.md", "README.markdown")));
    }

    [Test]
    public async Task Should_tell_a_copy_when_git_detects_one()
    {
        Write("db/schema-copy.sql", Schema);

        var file = UnifiedDiff.Read(await StagedDiffAsync("-C", "--find-copies-harder")).Files.Single();

        Assert.That((file.IsCopied, file.IsRenamed, file.OldPath, file.NewPath), Is.EqualTo((true, false, "db/schema.sql", "db/schema-copy.sql")));
    }

    [TestCase("--binary")]
    [TestCase("--no-renames")]
    public async Task Should_tell_a_binary_file_when_git_writes_a_binary_patch_or_only_says_it_differs(string option)
    {
        await File.WriteAllBytesAsync(Path.Combine(_repository.Path, "logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x0D, 0x0A, 0x1A, 0x00]);

        var file = UnifiedDiff.Read(await StagedDiffAsync(option)).Files.Single();

        Assert.That((file.IsBinary, file.NewPath), Is.EqualTo((true, "logo.png")));
    }

    [Test]
    public async Task Should_tell_a_symbolic_link_and_a_submodule_when_git_writes_them()
    {
        File.CreateSymbolicLink(Path.Combine(_repository.Path, "etc"), "/etc");
        var head = await GitAsync("rev-parse", "HEAD");
        await GitAsync("add", "--all");
        await GitAsync("update-index", "--add", "--cacheinfo", $"160000,{head},vendor/lib");

        var diff = UnifiedDiff.Read(await CachedDiffAsync());

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Select(f => (f.NewPath, f.IsSymlink, f.IsSubmodule)), Is.EquivalentTo(new[] { ((string?)"etc", true, false), ("vendor/lib", false, true) }));
    }

    [Test]
    public async Task Should_refuse_a_hunk_when_its_count_is_off_as_git_apply_does()
    {
        Write("db/schema.sql", Schema.Replace("-- TODO: drop the old table\n", "", StringComparison.Ordinal));
        var text = (await StagedDiffAsync()).Replace("@@ -1,3 +1,2 @@", "@@ -1,3 +1,3 @@", StringComparison.Ordinal);
        await ResetAsync();

        var diff = UnifiedDiff.Read(text);
        var check = await GitCommand.RunAsync(_repository.Path, ["apply", "--check", "-"], CancellationToken.None, input: Encoding.UTF8.GetBytes(text));

        Assert.That(diff.Problem, Is.EqualTo("'db/schema.sql' hunk 1 (@@ -1,3 +1,3 @@) counts 3 old and 3 new lines but has 3 and 2: the counts in a hunk header must match the hunk's lines"));
        Assert.That(check.Succeeded, Is.False, "git apply refuses it too");
    }

    private static (int, int, int, int) Counts(DiffFile file)
    {
        var hunk = file.Hunks.Single();
        return (hunk.OldStart, hunk.OldCount, hunk.NewStart, hunk.NewCount);
    }

    private static int HunkHeaders(string text) => text.Split('\n').Count(l => l.StartsWith("@@ ", StringComparison.Ordinal));

    private void Write(string path, string content) => _repository.Write(path, content);

    private async Task<string> StagedDiffAsync(params string[] options)
    {
        await GitAsync("add", "--all");
        return await CachedDiffAsync(options);
    }

    private Task<string> CachedDiffAsync(params string[] options) => _repository.CachedDiffAsync(options);

    private async Task ResetAsync() => await GitAsync("reset", "--quiet", "--hard", "HEAD");

    private Task<string> GitAsync(params string[] arguments) => _repository.GitAsync(arguments);
}
