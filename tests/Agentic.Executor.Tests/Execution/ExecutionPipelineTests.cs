using Agentic.Contracts.Common;
using Agentic.Executor.Tests.Infrastructure;

namespace Agentic.Executor.Tests.Execution;

public sealed class ExecutionPipelineTests
{
    private const string BadlyFormatted = "namespace Tiny;\n\npublic static class Greeter\n{\n        public static string Hello(  string name  )   =>    \"Hello \" + name;\n   }\n";

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
          </PropertyGroup>
        </Project>
        """;

    [Test]
    public async Task Should_validate_a_formatting_fix_when_dotnet_format_repairs_a_csharp_repository()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("tiny-csharp", new Dictionary<string, string?>
        {
            ["Tiny.csproj"] = Project + "\n",
            ["Greeter.cs"] = BadlyFormatted,
            [".gitignore"] = "bin/\nobj/\n",
        });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "format", new Dictionary<string, string> { ["tool"] = "dotnet-format" }, timeout: TimeSpan.FromMinutes(3)), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), result.Error + string.Join("\n", result.Validation.Select(v => v.OutputTail)));
        Assert.That(result.Patch, Does.Contain("diff --git a/Greeter.cs b/Greeter.cs"));
        Assert.That(result.Patch, Does.Contain("+    public static string Hello("));
        Assert.That(result.Patch, Does.Not.Contain("obj/"));
        Assert.That(string.Join(",", result.Validation.Select(v => v.Kind)), Is.EqualTo("setup,command,build"), "dotnet restore first, then the formatter and the build");
        Assert.That(result.Validation[^1].CommandLine, Does.StartWith("dotnet build Tiny.csproj"));
        Assert.That(result.Validation[^1].ExitCode, Is.Zero);
    }

    [Test]
    public async Task Should_answer_no_change_naming_the_formatter_run_when_dotnet_format_changes_nothing()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("tidy-csharp", new Dictionary<string, string?>
        {
            ["Tiny.csproj"] = Project + "\n",
            ["Greeter.cs"] = "namespace Tiny;\n\npublic static class Greeter\n{\n    public static string Hello(string name) => \"Hello \" + name;\n}\n",
            [".gitignore"] = "bin/\nobj/\n",
        });
        var arguments = new Dictionary<string, string> { ["tool"] = "dotnet-format", ["mode"] = "whitespace", ["paths"] = "Greeter.cs" };

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "format", arguments, TimeSpan.FromMinutes(3)), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NoChange), result.Error);
        Assert.That(result.Error, Is.EqualTo("dotnet format whitespace Tiny.csproj --include Greeter.cs --verbosity minimal changed nothing: the failure is not a formatting one the tool fixes"));
        Assert.That(result.Validation.Select(s => (s.Kind, s.CommandLine)), Is.EqualTo(new[]
        {
            ("setup", "dotnet restore Tiny.csproj --nologo -v q"),
            ("command", "dotnet format whitespace Tiny.csproj --include Greeter.cs --verbosity minimal"),
        }));
    }

    [Test]
    public async Task Should_say_prettier_is_declared_but_not_installed_when_the_working_copy_has_no_node_modules()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("declared-prettier", new Dictionary<string, string?>
        {
            ["package.json"] = "{ \"devDependencies\": { \"prettier\": \"^3.3.0\" } }\n",
            ["src/a.ts"] = "const a = {b:1}\n",
        });

        var result = await harness.Pipeline.ExecuteAsync(
            harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "format", new Dictionary<string, string> { ["paths"] = "src/a.ts" }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NoChange));
        Assert.That(result.Error, Is.EqualTo("prettier is declared in package.json but not installed: dependencies were not set up"));
    }

    [Test]
    public async Task Should_answer_no_change_when_the_command_changes_nothing()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("nothing-to-do", new Dictionary<string, string?> { ["README.md"] = "# fine\n" });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "validate"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NoChange), result.Error);
        Assert.That(result.Patch, Is.Null);
    }

    [Test]
    public async Task Should_validate_the_patch_when_a_proposed_diff_applies()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("diff-ok", new Dictionary<string, string?>
        {
            ["src/math.txt"] = "1 + 1 = 3\n",
            [".github/agentic.yml"] = "test: [\"grep\", \"-q\", \"= 2\", \"src/math.txt\"]\n",
        });
        const string diff = "--- a/src/math.txt\n+++ b/src/math.txt\n@@ -1 +1 @@\n-1 + 1 = 3\n+1 + 1 = 2\n";

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), result.Error);
        Assert.That(result.Patch, Does.Contain("+1 + 1 = 2"));
        Assert.That(result.Validation.Single().CommandLine, Is.EqualTo("grep -q '= 2' src/math.txt"));
    }

    [Test]
    public async Task Should_validate_the_patch_when_a_proposed_diff_removes_a_comment_line_that_starts_with_two_dashes()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("diff-sql", new Dictionary<string, string?>
        {
            ["db/counter.sql"] = "-- TODO: remove\nSELECT 1;\n",
            [".github/agentic.yml"] = "test: [grep, -q, '++ counter', db/counter.sql]\n",
        });
        const string diff = "--- a/db/counter.sql\n+++ b/db/counter.sql\n@@ -1,2 +1,2 @@\n--- TODO: remove\n+++ counter\n SELECT 1;\n";

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), result.Error);
        Assert.That(result.Patch, Does.Contain("\n--- TODO: remove\n+++ counter\n"));
    }

    [Test]
    public async Task Should_report_validation_failed_when_the_repository_test_fails()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("diff-wrong", new Dictionary<string, string?>
        {
            ["src/math.txt"] = "1 + 1 = 3\n",
            [".github/agentic.yml"] = "test: grep -q '= 2' src/math.txt\n",
        });
        const string diff = "--- a/src/math.txt\n+++ b/src/math.txt\n@@ -1 +1 @@\n-1 + 1 = 3\n+1 + 1 = 4\n";

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.ValidationFailed));
        Assert.That(result.Patch, Is.Null);
        Assert.That(result.Validation.Single().ExitCode, Is.EqualTo(1));
    }

    [TestCase("--- a/../outside.txt\n+++ b/../outside.txt\n@@ -0,0 +1 @@\n+x\n", "leaves the repository")]
    [TestCase("diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\n--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -1 +1 @@\n-a\n+b\n", "workflow")]
    [TestCase("--- /dev/null\n+++ b//etc/passwd\n@@ -0,0 +1 @@\n+x\n", "not a relative")]
    [TestCase("diff --git a/x.bin b/x.bin\nnew file mode 100644\nGIT binary patch\nliteral 1\nIcmZo*000\n", "binary")]
    [TestCase("diff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc\n", "symbolic links")]
    public async Task Should_refuse_the_diff_when_it_reaches_outside_the_rules(string diff, string reason)
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("diff-refused", new Dictionary<string, string?> { ["README.md"] = "a\n", [".github/workflows/ci.yml"] = "a\n" });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(result.Error, Does.Contain(reason));
    }

    [Test]
    public async Task Should_refuse_a_diff_that_adds_codeowners_when_only_the_pull_requests_own_configuration_allows_it()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("codeowners", new Dictionary<string, string?>
        {
            ["README.md"] = "a\n",
            // The working copy is the pull request's head: its allow_paths are not the default branch's and count for nothing.
            [".github/agentic.yml"] = "allow_paths: [CODEOWNERS]\ntest: [test, -f, CODEOWNERS]\n",
        });
        const string diff = "--- /dev/null\n+++ b/CODEOWNERS\n@@ -0,0 +1 @@\n+* @attacker\n";
        var command = harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff });

        var refused = await harness.Pipeline.ExecuteAsync(command, CancellationToken.None);
        var allowed = await harness.Pipeline.ExecuteAsync(command with { ExecutionId = Guid.NewGuid(), AllowPaths = ["CODEOWNERS"] }, CancellationToken.None);

        Assert.That(refused.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(refused.Patch, Is.Null);
        Assert.That(refused.Error, Does.Contain("'CODEOWNERS' is protected (code owners decide who must review)"));
        Assert.That(allowed.Outcome, Is.EqualTo(ExecutionOutcome.Validated), "allowed by the default branch's allow_paths, as the workflow sends them: " + allowed.Error);
        Assert.That(allowed.Patch, Does.Contain("+* @attacker"));
    }

    [Test]
    public async Task Should_refuse_a_lockfile_change_when_the_fix_is_not_a_dependency_fix()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("lockfile", new Dictionary<string, string?>
        {
            ["package-lock.json"] = "{}\n",
            [".github/agentic.yml"] = "test: [grep, -q, lockfileVersion, package-lock.json]\n",
        });
        const string diff = "--- a/package-lock.json\n+++ b/package-lock.json\n@@ -1 +1 @@\n-{}\n+{\"lockfileVersion\": 3}\n";
        var command = harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff });

        var refused = await harness.Pipeline.ExecuteAsync(command, CancellationToken.None);
        var dependencyFix = await harness.Pipeline.ExecuteAsync(command with { ExecutionId = Guid.NewGuid(), DependencyFix = true }, CancellationToken.None);

        Assert.That(refused.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(refused.Error, Does.Contain("'package-lock.json' is protected (lockfiles change only in a dependency fix)"));
        Assert.That(dependencyFix.Outcome, Is.EqualTo(ExecutionOutcome.Validated), dependencyFix.Error);
    }

    [Test]
    public async Task Should_refuse_the_patch_when_it_touches_a_path_the_repository_protects()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("protected", new Dictionary<string, string?>
        {
            ["deploy/prod.env"] = "A=1\n",
            [".github/agentic.yml"] = "protected_paths:\n  - deploy/**\n",
        });
        const string diff = "--- a/deploy/prod.env\n+++ b/deploy/prod.env\n@@ -1 +1 @@\n-A=1\n+A=2\n";

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(result.Error, Does.Contain("deploy/prod.env").And.Contain("protected by the repository"));
    }

    [Test]
    public async Task Should_refuse_the_patch_when_it_is_over_the_size_caps()
    {
        await using var harness = await ExecutorHarness.StartAsync(settings: new Dictionary<string, string?> { ["Executor:Patch:MaxLinesChanged"] = "1" });
        var repository = await harness.CreateRepositoryAsync("too-big", new Dictionary<string, string?> { ["a.txt"] = "a\nb\n" });
        const string diff = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-a\n-b\n+c\n+d\n";

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(result.Error, Does.Contain("lines"));
    }

    [Test]
    public async Task Should_refuse_when_the_command_is_not_in_the_library()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("unknown", new Dictionary<string, string?> { ["a.txt"] = "a\n" });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "rm -rf /"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(result.Error, Does.Contain("unknown command"));
    }

    [Test]
    public async Task Should_answer_validation_failed_with_the_reason_when_the_proposed_diff_does_not_apply()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("diff-stale", new Dictionary<string, string?> { ["src/math.txt"] = "1 + 1 = 3\n" });
        const string diff = "--- a/src/math.txt\n+++ b/src/math.txt\n@@ -1 +1 @@\n-2 + 2 = 5\n+2 + 2 = 4\n";

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.ValidationFailed), "the loop may ask the model again");
        Assert.That(result.Error, Does.Contain("does not apply"));
        Assert.That(result.Patch, Is.Null);
    }

    [Test]
    public async Task Should_answer_an_error_when_github_access_is_not_configured()
    {
        await using var harness = await ExecutorHarness.StartAsync(configureGitHub: false);
        var repository = await harness.CreateRepositoryAsync("no-access", new Dictionary<string, string?> { ["a.txt"] = "a\n" });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "validate"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Error));
        Assert.That(result.Error, Is.EqualTo("GitHub access is not configured"));
    }

    [Test]
    public async Task Should_refuse_with_the_problem_when_the_repository_config_is_invalid()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("bad-config", new Dictionary<string, string?> { [".github/agentic.yml"] = "build: make | tee log\n" });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "validate"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Refused));
        Assert.That(result.Error, Does.Contain(".github/agentic.yml").And.Contain("'|' is a shell operator"));
    }
}
