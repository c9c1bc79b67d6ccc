using Agentic.CommandDispatcher.Tests.Infrastructure;
using Agentic.CommandDispatcher.Validation;

namespace Agentic.CommandDispatcher.Tests.Validation;

public sealed class ProposedDiffTests
{
    private const int MaxBytes = 64 * 1024;
    private const int MaxFiles = 10;

    private static readonly HashSet<string> Shown = new(StringComparer.Ordinal) { Diffs.CartPath, "src/Shop/Item.cs", "README.md" };

    private static string? Check(string diff, int maxBytes = MaxBytes, int maxFiles = MaxFiles) => ProposedDiff.Check(diff, Shown, maxBytes, maxFiles);

    // ---- Extract

    [Test]
    public void Should_take_the_whole_answer_when_it_is_a_diff_and_end_it_with_a_newline()
    {
        var answer = Diffs.FixCart.TrimEnd('\n');

        Assert.That(ProposedDiff.Extract(answer), Is.EqualTo(Diffs.FixCart));
    }

    [Test]
    public void Should_take_the_fenced_diff_when_the_model_wraps_it_in_prose()
    {
        var answer = $"Here is the fix:\n\n```diff\n{Diffs.FixCart}```\n\nThis multiplies by the quantity.";

        Assert.That(ProposedDiff.Extract(answer), Is.EqualTo(Diffs.FixCart));
    }

    [Test]
    public void Should_skip_fenced_blocks_that_are_not_diffs_when_a_later_block_is_one()
    {
        var answer = $"The code now reads:\n```csharp\nreturn _items.Sum(i => i.Price * i.Quantity);\n```\nThe diff:\n```\n{Diffs.FixCart}```\n";

        Assert.That(ProposedDiff.Extract(answer), Is.EqualTo(Diffs.FixCart));
    }

    [Test]
    public void Should_normalise_line_endings_when_the_answer_uses_crlf()
    {
        var answer = "```diff\r\n" + Diffs.FixCart.Replace("\n", "\r\n", StringComparison.Ordinal) + "```";

        var diff = ProposedDiff.Extract(answer);

        Assert.That(diff, Is.EqualTo(Diffs.FixCart));
        Assert.That(diff, Does.Not.Contain("\r"));
    }

    [Test]
    public void Should_take_a_traditional_diff_when_it_has_no_git_header()
    {
        var traditional = Diffs.FixCart[Diffs.FixCart.IndexOf("--- ", StringComparison.Ordinal)..];

        Assert.That(ProposedDiff.Extract(traditional), Is.EqualTo(traditional));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   \n  ")]
    [TestCase("I could not find the cause of the failure.")]
    [TestCase("```csharp\nreturn _items.Sum(i => i.Price * i.Quantity);\n```")]
    [TestCase("diff --git a/src/a.cs b/src/a.cs\n--- a/src/a.cs\n+++ b/src/a.cs\n")]
    public void Should_find_no_diff_when_the_answer_holds_none(string? answer)
    {
        Assert.That(ProposedDiff.Extract(answer), Is.Null);
    }

    [Test]
    public void Should_find_no_diff_when_it_follows_prose_without_a_fence()
    {
        var answer = "Here is the fix:\n" + Diffs.FixCart;

        Assert.That(ProposedDiff.Extract(answer), Is.Null);
    }

    [Test]
    public void Should_find_no_diff_when_the_fence_is_never_closed()
    {
        // An answer cut off at the output token cap: the diff is incomplete and must not be applied.
        var answer = "```diff\n" + Diffs.FixCart[..^20];

        Assert.That(ProposedDiff.Extract(answer), Is.Null);
    }

    // ---- Check: what is accepted

    [Test]
    public void Should_accept_a_change_when_it_edits_a_file_the_model_was_shown()
    {
        Assert.That(Check(Diffs.FixCart), Is.Null);
    }

    [Test]
    public void Should_accept_a_change_when_it_creates_a_new_file_and_edits_a_shown_one()
    {
        Assert.That(Check(Diffs.Create("src/Shop/Quantity.cs") + Diffs.FixCart), Is.Null);
    }

    [Test]
    public void Should_accept_a_change_when_it_deletes_a_file_the_model_was_shown()
    {
        Assert.That(Check(Diffs.Delete("src/Shop/Item.cs")), Is.Null);
    }

    [Test]
    public void Should_accept_a_change_when_it_is_in_traditional_format()
    {
        var traditional = Diffs.FixCart[Diffs.FixCart.IndexOf("--- ", StringComparison.Ordinal)..];

        Assert.That(Check(traditional), Is.Null);
    }

    [Test]
    public void Should_accept_a_change_when_file_headers_carry_timestamps()
    {
        var diff = "--- a/README.md\t2025-01-01 10:00:00\n+++ b/README.md\t2025-01-01 10:05:00\n@@ -1 +1 @@\n-# shop\n+# Shop\n";

        Assert.That(Check(diff), Is.Null);
    }

    [Test]
    public void Should_accept_a_change_when_it_makes_a_shown_file_executable()
    {
        var diff = Diffs.FixCart.Replace("index 3b18e51..a1c2d3f 100644", "old mode 100644\nnew mode 100755\nindex 3b18e51..a1c2d3f", StringComparison.Ordinal);

        Assert.That(Check(diff), Is.Null);
    }

    [Test]
    public void Should_accept_a_change_when_its_lines_remove_a_sql_comment_and_add_an_increment()
    {
        // "-- TODO" removed is "--- TODO", "++i;" added is "+++i;": inside a hunk they are lines, not file headers.
        var diff = "--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,3 @@\n # shop\n--- TODO: describe the cart\n+++i;\n+++ b/.github/workflows/ci.yml\n";

        Assert.That(Check(diff), Is.Null);
    }

    // ---- Check: shape and size

    [Test]
    public void Should_refuse_a_diff_naming_the_file_and_hunk_when_a_hunk_has_other_lines_than_it_counts()
    {
        var diff = Diffs.FixCart.Replace("@@ -9,5 +9,5 @@", "@@ -9,5 +9,6 @@", StringComparison.Ordinal);

        Assert.That(Check(diff), Is.EqualTo($"'{Diffs.CartPath}' hunk 1 (@@ -9,5 +9,6 @@) counts 5 old and 6 new lines but has 5 and 5: the counts in a hunk header must match the hunk's lines"));
    }

    [TestCase("")]
    [TestCase("\n\n")]
    [TestCase("Sorry, I cannot help with that.")]
    public void Should_refuse_a_diff_when_it_is_empty_or_not_a_diff(string diff)
    {
        Assert.That(Check(diff), Is.EqualTo("not a unified diff (no file headers or no hunks)"));
    }

    [Test]
    public void Should_refuse_a_diff_when_it_has_file_headers_but_no_hunks()
    {
        var diff = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n";

        Assert.That(Check(diff), Is.EqualTo("not a unified diff (no file headers or no hunks)"));
    }

    [Test]
    public void Should_refuse_a_diff_when_it_has_hunks_but_no_file_headers()
    {
        var diff = "@@ -1,3 +1,3 @@\n first\n-second\n+second, fixed\n third\n";

        Assert.That(Check(diff), Is.EqualTo("not a unified diff (no file headers or no hunks)"));
    }

    [Test]
    public void Should_refuse_a_diff_when_its_utf8_size_is_over_the_cap_even_if_its_length_is_not()
    {
        // 300 'é' are 300 characters but 600 bytes in UTF-8.
        var diff = Diffs.FixCart.Replace("i.Quantity", "i.Quantity /* " + new string('é', 300) + " */", StringComparison.Ordinal);
        var cap = diff.Length + 10;

        Assert.That(Check(diff, maxBytes: cap), Is.EqualTo($"the proposed diff is over {cap} bytes"));
        Assert.That(Check(diff, maxBytes: System.Text.Encoding.UTF8.GetByteCount(diff)), Is.Null);
    }

    [Test]
    public void Should_refuse_a_diff_when_it_changes_more_files_than_the_cap()
    {
        var diff = Diffs.FixCart + Diffs.Modify("src/Shop/Item.cs") + Diffs.Create("docs/cart.md");

        Assert.That(Check(diff, maxFiles: 2), Is.EqualTo("the proposed diff changes 3 files, over the cap of 2"));
        Assert.That(Check(diff, maxFiles: 3), Is.Null);
    }

    [Test]
    public void Should_count_a_file_once_when_it_has_several_hunks()
    {
        var diff = Diffs.Modify("README.md") + "@@ -10,3 +10,3 @@\n ten\n-eleven\n+eleven, fixed\n twelve\n";

        Assert.That(Check(diff, maxFiles: 1), Is.Null);
    }

    // ---- Check: paths

    [TestCase("../outside.cs", "is not a plain repository-relative path")]
    [TestCase("src/../../outside.cs", "is not a plain repository-relative path")]
    [TestCase("src/..", "is not a plain repository-relative path")]
    [TestCase("./src/a.cs", "is not a plain repository-relative path")]
    [TestCase("src//a.cs", "is not a plain repository-relative path")]
    [TestCase("src/", "is not a plain repository-relative path")]
    [TestCase("src\\a.cs", "is not a plain repository-relative path")]
    [TestCase("C:/Windows/a.cs", "is not a plain repository-relative path")]
    [TestCase("src/a\u0001.cs", "is not a plain repository-relative path")]
    [TestCase(".git/hooks/pre-commit", "the .git directory is never changed")]
    [TestCase(".GIT/config", "the .git directory is never changed")]
    [TestCase(".github/workflows/ci.yml", "workflow files are never changed")]
    [TestCase(".GitHub/Workflows/release.yml", "workflow files are never changed")]
    [TestCase(".github/actions/setup/action.yml", "action files are never changed")]
    [TestCase(".github/actions/build/dist/index.js", "action files are never changed")]
    public void Should_refuse_a_new_file_when_its_path_is_unsafe(string path, string reason)
    {
        var diff = $"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+x\n";

        Assert.That(Check(diff), Does.Contain(reason));
    }

    [Test]
    public void Should_refuse_an_edit_when_the_old_path_leaves_the_repository()
    {
        var diff = "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root:x:0:0\n+root::0:0\n";

        Assert.That(Check(diff), Is.EqualTo("'../../etc/passwd' is not a plain repository-relative path"));
    }

    [Test]
    public void Should_refuse_a_path_when_it_is_absolute()
    {
        var diff = "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root:x:0:0\n+root::0:0\n";

        Assert.That(Check(diff), Is.EqualTo("'/etc/passwd' must start with a/"));
    }

    [Test]
    public void Should_refuse_a_path_when_it_lacks_the_b_prefix()
    {
        var diff = "--- a/README.md\n+++ README.md\n@@ -1 +1 @@\n-# shop\n+# Shop\n";

        Assert.That(Check(diff), Is.EqualTo("'README.md' must start with b/"));
    }

    [Test]
    public void Should_refuse_a_path_when_it_is_quoted_in_the_git_header()
    {
        var diff = Diffs.Modify("docs/a b.md").Replace("diff --git a/docs/a b.md b/docs/a b.md", "diff --git \"a/docs/a b.md\" \"b/docs/a b.md\"", StringComparison.Ordinal);

        Assert.That(Check(diff), Is.EqualTo("quoted paths are not accepted"));
    }

    [Test]
    public void Should_refuse_a_path_when_it_is_quoted_in_a_file_header()
    {
        var diff = "--- /dev/null\n+++ \"b/docs/\\303\\251.md\"\n@@ -0,0 +1 @@\n+x\n";

        Assert.That(Check(diff), Is.EqualTo("quoted paths are not accepted"));
    }

    [Test]
    public void Should_refuse_a_path_when_it_is_longer_than_400_characters()
    {
        var path = "src/" + new string('a', 400) + ".cs";

        Assert.That(Check(Diffs.Create(path)), Does.Contain("is not a plain repository-relative path").And.Contain("…"));
    }

    [Test]
    public void Should_refuse_an_edit_when_the_file_was_not_shown_to_the_model()
    {
        Assert.That(Check(Diffs.Modify("src/Shop/Checkout.cs")), Is.EqualTo("'src/Shop/Checkout.cs' was not among the files the model was shown"));
    }

    [Test]
    public void Should_refuse_a_deletion_when_the_file_was_not_shown_to_the_model()
    {
        Assert.That(Check(Diffs.Delete("src/Shop/Checkout.cs")), Is.EqualTo("'src/Shop/Checkout.cs' was not among the files the model was shown"));
    }

    [Test]
    public void Should_refuse_a_new_file_when_a_shown_file_has_its_path()
    {
        Assert.That(Check(Diffs.Create(Diffs.CartPath)), Is.EqualTo($"'{Diffs.CartPath}' exists; it must be changed, not created"));
    }

    [Test]
    public void Should_refuse_a_file_header_when_both_sides_are_dev_null()
    {
        var diff = "--- /dev/null\n+++ /dev/null\n@@ -0,0 +1 @@\n+x\n";

        Assert.That(Check(diff), Is.EqualTo("a file header names no path"));
    }

    // ---- Check: renames, copies, binaries, links

    [Test]
    public void Should_refuse_a_rename_when_the_file_headers_name_different_paths()
    {
        var diff = "--- a/README.md\n+++ b/README.markdown\n@@ -1 +1 @@\n-# shop\n+# Shop\n";

        Assert.That(Check(diff), Is.EqualTo("renames are not accepted"));
    }

    [TestCase("similarity index 100%\nrename from README.md\nrename to docs/README.md")]
    [TestCase("similarity index 90%\ncopy from README.md\ncopy to docs/README.md")]
    public void Should_refuse_a_rename_or_copy_when_git_headers_announce_it(string headers)
    {
        var diff = Diffs.FixCart + $"diff --git a/README.md b/docs/README.md\n{headers}\n";

        Assert.That(Check(diff), Is.EqualTo("renames and copies are not accepted"));
    }

    [TestCase("similarity index 100%")]
    [TestCase("rename from README.md")]
    [TestCase("rename to docs/README.md")]
    [TestCase("copy from README.md")]
    [TestCase("copy to docs/README.md")]
    public void Should_refuse_a_rename_or_copy_when_an_extended_header_announces_it_under_a_one_path_git_header(string header)
    {
        var diff = Diffs.FixCart.Replace("index 3b18e51..a1c2d3f 100644", header, StringComparison.Ordinal);

        Assert.That(Check(diff), Is.EqualTo("renames and copies are not accepted"));
    }

    [Test]
    public void Should_refuse_a_binary_patch_when_it_is_a_git_binary_patch()
    {
        var diff = Diffs.FixCart + "diff --git a/logo.png b/logo.png\nnew file mode 100644\nindex 0000000..4b825dc\nGIT binary patch\nliteral 12\nTcmZ?wbhEHbWMl+m1_lBe0RaI3\n\nliteral 0\nHcmV?d00001\n\n";

        Assert.That(Check(diff), Is.EqualTo("binary patches are not accepted"));
    }

    [Test]
    public void Should_refuse_a_binary_patch_when_git_reports_binary_files_differ()
    {
        var diff = Diffs.FixCart + "diff --git a/logo.png b/logo.png\nindex 4b825dc..6a9d6d2 100644\nBinary files a/logo.png and b/logo.png differ\n";

        Assert.That(Check(diff), Is.EqualTo("binary patches are not accepted"));
    }

    [TestCase("new file mode 120000")]
    [TestCase("new mode 120000")]
    [TestCase("deleted file mode 160000")]
    [TestCase("index 0000000..4b825dc 160000")]
    public void Should_refuse_a_symbolic_link_or_submodule_when_a_mode_line_names_one(string modeLine)
    {
        var diff = $"diff --git a/src/link b/src/link\n{modeLine}\n--- /dev/null\n+++ b/src/link\n@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n";

        Assert.That(Check(diff), Is.EqualTo("symbolic links and submodules are not accepted"));
    }

    // ---- Check: git headers without file headers (mode changes, empty files) are held to the same rules

    [Test]
    public void Should_refuse_a_mode_change_when_the_file_was_not_shown_to_the_model()
    {
        var diff = Diffs.FixCart + "diff --git a/scripts/deploy.sh b/scripts/deploy.sh\nold mode 100644\nnew mode 100755\n";

        Assert.That(Check(diff), Is.EqualTo("'scripts/deploy.sh' was not among the files the model was shown"));
    }

    [Test]
    public void Should_refuse_an_empty_workflow_file_when_only_a_git_header_names_it()
    {
        var diff = Diffs.FixCart + "diff --git a/.github/workflows/x.yml b/.github/workflows/x.yml\nnew file mode 100644\nindex 0000000..e69de29\n";

        Assert.That(Check(diff), Is.EqualTo("'.github/workflows/x.yml': workflow files are never changed"));
    }

    [Test]
    public void Should_refuse_a_git_header_when_its_path_leaves_the_repository()
    {
        var diff = "diff --git a/../outside.sh b/../outside.sh\nold mode 100644\nnew mode 100755\n" + Diffs.FixCart;

        Assert.That(Check(diff), Is.EqualTo("'../outside.sh' is not a plain repository-relative path"));
    }

    [Test]
    public void Should_refuse_a_git_header_when_it_names_two_different_paths()
    {
        var diff = "diff --git a/README.md b/docs/README.md\nold mode 100644\nnew mode 100755\n" + Diffs.FixCart;

        Assert.That(Check(diff), Is.EqualTo("renames and copies are not accepted"));
    }

    [TestCase("diff --git README.md README.md")]
    [TestCase("diff --git a/README.md")]
    [TestCase("diff --git a/README.md c/README.md")]
    public void Should_refuse_a_git_header_when_it_is_not_of_the_form_a_path_b_path(string header)
    {
        var diff = Diffs.FixCart.Replace("diff --git a/src/Shop/Cart.cs b/src/Shop/Cart.cs", header, StringComparison.Ordinal);

        Assert.That(Check(diff), Is.EqualTo($"'{header}' is not a header of the form diff --git a/PATH b/PATH"));
    }

    [Test]
    public void Should_refuse_an_empty_file_deletion_when_the_file_was_not_shown_to_the_model()
    {
        var diff = Diffs.FixCart + "diff --git a/src/Shop/Empty.cs b/src/Shop/Empty.cs\ndeleted file mode 100644\nindex e69de29..0000000\n";

        Assert.That(Check(diff), Is.EqualTo("'src/Shop/Empty.cs' was not among the files the model was shown"));
    }

    [Test]
    public void Should_count_files_named_only_by_git_headers_against_the_cap()
    {
        var diff = Diffs.FixCart + "diff --git a/README.md b/README.md\nold mode 100644\nnew mode 100755\n";

        Assert.That(Check(diff, maxFiles: 1), Is.EqualTo("the proposed diff changes 2 files, over the cap of 1"));
        Assert.That(Check(diff, maxFiles: 2), Is.Null);
    }

    [Test]
    public void Should_accept_an_empty_new_file_when_only_a_git_header_names_it()
    {
        var diff = Diffs.FixCart + "diff --git a/src/Shop/py.typed b/src/Shop/py.typed\nnew file mode 100644\nindex 0000000..e69de29\n";

        Assert.That(Check(diff), Is.Null);
    }

    [Test]
    public void Should_refuse_a_path_when_a_nested_git_directory_is_on_the_way()
    {
        Assert.That(Check(Diffs.Create("vendor/lib/.git/hooks/post-checkout")), Is.EqualTo("'vendor/lib/.git/hooks/post-checkout': the .git directory is never changed"));
    }

    // ---- Check: the deny-list (files that change how code is built, tested, reviewed or owned)

    [TestCase("CODEOWNERS")]
    [TestCase(".github/CODEOWNERS")]
    [TestCase("docs/CODEOWNERS")]
    public void Should_refuse_a_diff_when_it_adds_codeowners(string path)
    {
        Assert.That(Check(Diffs.FixCart + Diffs.Create(path)), Is.EqualTo($"'{path}' is protected (code owners decide who must review); " +
            "a repository can allow it with allow_paths in .github/agentic.yml on its default branch"));
    }

    [Test]
    public void Should_refuse_a_diff_when_it_touches_a_workflow_the_model_was_shown()
    {
        var shown = new HashSet<string>(Shown, StringComparer.Ordinal) { ".github/workflows/ci.yml" };

        var problem = ProposedDiff.Check(Diffs.Modify(".github/workflows/ci.yml"), shown, MaxBytes, MaxFiles, allowPaths: ["CODEOWNERS"], dependencyFix: true);

        Assert.That(problem, Is.EqualTo("'.github/workflows/ci.yml': workflow files are never changed"));
    }

    [TestCase("Directory.Build.props")]
    [TestCase("src/Directory.Build.targets")]
    [TestCase("build/Signing.targets")]
    [TestCase("tests/conftest.py")]
    [TestCase(".npmrc")]
    [TestCase(".yarnrc.yml")]
    [TestCase("NuGet.Config")]
    [TestCase(".github/dependabot.yml")]
    public void Should_refuse_a_diff_when_it_creates_a_build_test_or_package_manager_file(string path)
    {
        Assert.That(Check(Diffs.FixCart + Diffs.Create(path)), Does.StartWith($"'{path}' is protected ("));
    }

    [Test]
    public void Should_refuse_a_diff_when_it_deletes_a_protected_file_the_model_was_shown()
    {
        var shown = new HashSet<string>(Shown, StringComparer.Ordinal) { "tests/conftest.py" };

        Assert.That(ProposedDiff.Check(Diffs.Delete("tests/conftest.py"), shown, MaxBytes, MaxFiles), Does.StartWith("'tests/conftest.py' is protected (pytest"));
    }

    [TestCase("package-lock.json")]
    [TestCase("web/yarn.lock")]
    [TestCase("pnpm-lock.yaml")]
    [TestCase("src/Shop/packages.lock.json")]
    [TestCase("Directory.Packages.props")]
    public void Should_accept_a_lockfile_only_when_the_fix_is_a_dependency_fix(string path)
    {
        var shown = new HashSet<string>(Shown, StringComparer.Ordinal) { path };
        var diff = Diffs.Modify(path);

        Assert.Multiple(() =>
        {
            Assert.That(ProposedDiff.Check(diff, shown, MaxBytes, MaxFiles, dependencyFix: false), Does.Contain("only in a dependency fix"));
            Assert.That(ProposedDiff.Check(diff, shown, MaxBytes, MaxFiles, dependencyFix: true), Is.Null);
        });
    }

    [Test]
    public void Should_accept_a_protected_file_when_the_repository_allows_it()
    {
        var diff = Diffs.FixCart + Diffs.Create("docs/CODEOWNERS");

        Assert.Multiple(() =>
        {
            Assert.That(ProposedDiff.Check(diff, Shown, MaxBytes, MaxFiles, allowPaths: ["docs/CODEOWNERS"]), Is.Null);
            Assert.That(ProposedDiff.Check(diff, Shown, MaxBytes, MaxFiles, allowPaths: ["CODEOWNERS"]), Does.Contain("'docs/CODEOWNERS' is protected"));
        });
    }

    // ---- PathProblem (also filters the files the diagnosis names)

    [TestCase("src/Shop/Cart.cs")]
    [TestCase("README.md")]
    [TestCase(".github/dependabot.yml")]
    [TestCase(".gitignore")]
    [TestCase("docs/a file with spaces.md")]
    public void Should_accept_a_path_when_it_is_plain_and_relative(string path)
    {
        Assert.That(ProposedDiff.PathProblem(path), Is.Null);
    }

    [TestCase("")]
    [TestCase("/etc/passwd")]
    [TestCase("../x")]
    [TestCase("a/./b")]
    [TestCase(".git")]
    [TestCase("src/.git")]
    [TestCase(".github/workflows/ci.yml")]
    [TestCase(".github/actions/setup/action.yml")]
    [TestCase("src/\tx.cs")]
    public void Should_refuse_a_path_when_it_is_not_plain_or_is_protected(string path)
    {
        Assert.That(ProposedDiff.PathProblem(path), Is.Not.Null);
    }
}
