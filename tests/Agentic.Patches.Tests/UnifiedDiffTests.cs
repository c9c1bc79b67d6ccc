namespace Agentic.Patches.Tests;

public sealed class UnifiedDiffTests
{
    private const string Modify = """
        diff --git a/src/Cart.cs b/src/Cart.cs
        index 3b18e51..a1c2d3f 100644
        --- a/src/Cart.cs
        +++ b/src/Cart.cs
        @@ -9,5 +9,5 @@ public sealed class Cart
             public decimal Total()
             {
        -        return _items.Sum(i => i.Price);
        +        return _items.Sum(i => i.Price * i.Quantity);
             }
         }

        """;

    [Test]
    public void Should_read_paths_and_hunk_counts_when_git_changes_one_file()
    {
        var diff = UnifiedDiff.Read(Modify);

        Assert.That(diff.Problem, Is.Null);
        var file = diff.Files.Single();
        Assert.Multiple(() =>
        {
            Assert.That(file.IsGit, Is.True);
            Assert.That((file.OldPath, file.NewPath), Is.EqualTo(("src/Cart.cs", "src/Cart.cs")));
            Assert.That(file.Paths, Is.EqualTo(new[] { "src/Cart.cs" }));
            Assert.That(file.Hunks.Single(), Is.EqualTo(new DiffHunk(9, 5, 9, 5, Line: 5)));
            Assert.That((file.OldMode, file.NewMode), Is.EqualTo(("100644", "100644")));
            Assert.That(file.IsNew || file.IsDeleted || file.IsRenamed || file.IsCopied || file.IsBinary || file.IsModeChange || file.IsSymlink || file.IsSubmodule, Is.False);
        });
    }

    [Test]
    public void Should_read_lines_as_hunk_content_when_they_remove_a_sql_comment_or_add_an_increment()
    {
        // Removing "-- old" is "--- old", adding "++i;" is "+++i;", and "++ b/x" is "+++ b/x": inside the hunk, none is a header.
        const string text = """
            --- a/db/counter.sql
            +++ b/db/counter.sql
            @@ -1,3 +1,4 @@
            --- old
            --- a/.github/workflows/ci.yml
            +++ b/.github/workflows/ci.yml
            +++i;
            +++ counter
             SELECT 1;

            """;

        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Single().Paths, Is.EqualTo(new[] { "db/counter.sql" }));
        Assert.That(diff.Files.Single().Hunks.Single(), Is.EqualTo(new DiffHunk(1, 3, 1, 4, Line: 3)));
    }

    [Test]
    public void Should_read_the_next_file_when_a_hunk_ends_just_before_traditional_headers()
    {
        const string text = "--- a/a.sql\n+++ b/a.sql\n@@ -1 +1 @@\n--- x\n+-- y\n--- a/b.sql\t2025-01-01 10:00:00\n+++ b/b.sql\t2025-01-01 10:05:00\n@@ -1 +0,0 @@\n-gone\n";

        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Select(f => $"{f.OldPath}>{f.NewPath}:{f.Hunks.Count}"), Is.EqualTo(new[] { "a.sql>a.sql:1", "b.sql>b.sql:1" }));
    }

    [Test]
    public void Should_read_empty_lines_as_context_and_no_newline_markers_as_nothing_when_they_are_inside_a_hunk()
    {
        const string text = "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n\n-three\n\\ No newline at end of file\n+3\n\\ No newline at end of file\n\nSome prose after the diff.\n";

        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.HunkCount, Is.EqualTo(1));
    }

    [Test]
    public void Should_pass_over_prose_when_it_stands_before_the_first_file()
    {
        var diff = UnifiedDiff.Read("Here is the fix:\n@@ -1 +1 @@\n-a\n+b\n\n" + Modify);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Single().NewPath, Is.EqualTo("src/Cart.cs"));
    }

    [Test]
    public void Should_refuse_a_hunk_when_it_has_fewer_lines_than_its_header_counts()
    {
        var text = Modify.Replace("@@ -9,5 +9,5 @@", "@@ -9,6 +9,6 @@", StringComparison.Ordinal) + Modify.Replace("src/Cart.cs", "src/Other.cs", StringComparison.Ordinal);

        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.EqualTo("'src/Cart.cs' hunk 1 (@@ -9,6 +9,6 @@) counts 6 old and 6 new lines but has 5 and 5: the counts in a hunk header must match the hunk's lines"));
        Assert.That(diff.Files, Is.Empty, "the file with the broken hunk is not one of those read");
    }

    [Test]
    public void Should_refuse_a_hunk_when_it_has_more_lines_than_its_header_counts()
    {
        var text = Modify.Replace("@@ -9,5 +9,5 @@", "@@ -9,4 +9,4 @@", StringComparison.Ordinal);

        var diff = UnifiedDiff.Read("--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+b\n" + text);

        Assert.That(diff.Problem, Is.EqualTo("'src/Cart.cs' hunk 1 (@@ -9,4 +9,4 @@) counts 4 old and 4 new lines but has 5 and 5: the counts in a hunk header must match the hunk's lines"));
        Assert.That(diff.Files.Single().NewPath, Is.EqualTo("a.txt"), "the files before the problem are read");
    }

    [Test]
    public void Should_refuse_a_hunk_when_its_lines_remove_more_than_it_counts()
    {
        var diff = UnifiedDiff.Read("--- a/a.txt\n+++ b/a.txt\n@@ -1 +1,2 @@\n-a\n-b\n+c\n+d\n");

        Assert.That(diff.Problem, Does.StartWith("'a.txt' hunk 1 (@@ -1,1 +1,2 @@) counts 1 old and 2 new lines but has 2 and 2"));
    }

    [Test]
    public void Should_name_the_hunk_by_its_number_when_a_later_hunk_is_miscounted()
    {
        var diff = UnifiedDiff.Read("--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+b\n@@ -10,2 +10,2 @@\n-x\n+y\n");

        Assert.That(diff.Problem, Does.StartWith("'a.txt' hunk 2 (@@ -10,2 +10,2 @@) counts 2 old and 2 new lines but has 1 and 1"));
    }

    [TestCase("@@ -1,2 +1,2 @\n")]
    [TestCase("@@ -a,b +c,d @@\n")]
    [TestCase("@@\n")]
    [TestCase("@@ -99999999999 +1 @@\n")]
    public void Should_refuse_a_hunk_when_its_header_is_malformed(string header)
    {
        var diff = UnifiedDiff.Read("--- a/a.txt\n+++ b/a.txt\n" + header + "-a\n+b\n");

        Assert.That(diff.Problem, Does.StartWith("'a.txt' hunk 1: '@@").And.EndWith("is not a hunk header of the form @@ -START,COUNT +START,COUNT @@"));
    }

    [TestCase("diff --git \"a/x y\" \"b/x y\"\n", "quoted paths are not accepted")]
    [TestCase("--- \"a/\\303\\251\"\n+++ \"b/\\303\\251\"\n", "quoted paths are not accepted")]
    [TestCase("diff --git README.md README.md\n", "'diff --git README.md README.md' is not a header of the form diff --git a/PATH b/PATH")]
    [TestCase("--- /etc/passwd\n+++ b/etc/passwd\n", "'/etc/passwd' must start with a/")]
    [TestCase("--- a/x\n+++ x\n", "'x' must start with b/")]
    [TestCase("--- /dev/null\n+++ /dev/null\n", "a file header names no path")]
    [TestCase("diff --git a/x b/x\nold mode 10064x\nnew mode 100755\n", "line 2: '10064x' is not a file mode")]
    public void Should_name_the_problem_when_a_header_cannot_be_read(string text, string problem)
    {
        Assert.That(UnifiedDiff.Read(text).Problem, Is.EqualTo(problem));
    }

    [Test]
    public void Should_name_every_path_when_a_git_section_renames_a_file()
    {
        var diff = UnifiedDiff.Read("diff --git a/old.txt b/docs/new.txt\nsimilarity index 100%\nrename from old.txt\nrename to docs/new.txt\n");

        var file = diff.Files.Single();
        Assert.That(file.IsRenamed, Is.True);
        Assert.That((file.OldPath, file.NewPath), Is.EqualTo(("old.txt", "docs/new.txt")));
        Assert.That(file.Paths, Is.EqualTo(new[] { "old.txt", "docs/new.txt" }));
    }

    [Test]
    public void Should_take_a_rename_when_traditional_headers_name_two_paths()
    {
        var file = UnifiedDiff.Read("--- a/README.md\n+++ b/README.markdown\n@@ -1 +1 @@\n-a\n+b\n").Files.Single();

        Assert.That(file.IsRenamed, Is.True);
        Assert.That(file.IsGit, Is.False);
    }

    [Test]
    public void Should_keep_every_name_when_a_git_section_repeats_a_file_line()
    {
        var file = UnifiedDiff.Read("diff --git a/x b/x\n--- a/evil\n+++ b/x\n--- a/x\n@@ -1 +1 @@\n-a\n+b\n").Files.Single();

        Assert.That(file.Paths, Is.EquivalentTo(new[] { "x", "evil" }));
    }

    [TestCase("diff --git a/link b/link\nnew file mode 120000\n", true, false)]
    [TestCase("diff --git a/link b/link\nold mode 100644\nnew mode 120000\n", true, false)]
    [TestCase("diff --git a/lib b/lib\ndeleted file mode 160000\n", false, true)]
    [TestCase("diff --git a/lib b/lib\nindex 4b825dc..6a9d6d2 160000\n", false, true)]
    [TestCase("diff --git a/x b/x\nindex 1200001..1600001 100644\n", false, false)]
    public void Should_tell_links_and_submodules_by_their_mode_when_a_header_line_names_one(string text, bool symlink, bool submodule)
    {
        var file = UnifiedDiff.Read(text).Files.Single();

        Assert.That((file.IsSymlink, file.IsSubmodule), Is.EqualTo((symlink, submodule)));
    }

    [TestCase("Binary files a/logo.png and b/logo.png differ\n")]
    [TestCase("diff --git a/logo.png b/logo.png\nnew file mode 100644\nindex 0000000..4b825dc\nGIT binary patch\nliteral 12\nTcmZ?wbhEHbWMl+m1_lBe0RaI3\n\nliteral 0\nHcmV?d00001\n\n")]
    public void Should_mark_the_file_binary_when_git_writes_a_binary_patch_or_says_binary_files_differ(string text)
    {
        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Single().IsBinary, Is.True);
    }

    [TestCase("")]
    [TestCase("I could not find the cause.\n")]
    [TestCase("@@ -1,3 +1,3 @@\n first\n-second\n+second, fixed\n third\n")]
    public void Should_read_no_file_when_the_text_has_no_file_header(string text)
    {
        var diff = UnifiedDiff.Read(text);

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files, Is.Empty);
    }

    [Test]
    public void Should_read_the_same_files_when_lines_end_with_crlf()
    {
        var diff = UnifiedDiff.Read(Modify.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.That(diff.Problem, Is.Null);
        Assert.That(diff.Files.Single().Paths, Is.EqualTo(new[] { "src/Cart.cs" }));
    }
}
