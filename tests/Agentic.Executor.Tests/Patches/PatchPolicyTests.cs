using Agentic.Executor.Options;
using Agentic.Executor.Patches;
using Agentic.RepositoryConfig;

namespace Agentic.Executor.Tests.Patches;

public sealed class PatchPolicyTests
{
    private static readonly AgenticYaml Config = AgenticYaml.Default with { ProtectedPaths = ["deploy/**", "*.pem"] };

    private static string? Check(string path, IReadOnlyList<string>? allowPaths = null, bool dependencyFix = false, AgenticYaml? config = null) =>
        PatchPolicy.Check(new Patch("", [new PatchFile(path, 1, 1, Binary: false)]), config ?? Config, new PatchLimits(), allowPaths, dependencyFix);

    [TestCase(".github/workflows/ci.yml", "workflow files are never changed")]
    [TestCase(".github/actions/setup/action.yml", "action files are never changed")]
    [TestCase(".github/actions/setup/run.sh", "action files are never changed")]
    [TestCase(".GitHub/Actions/setup/action.yml", "action files are never changed")]
    [TestCase(".github/agentic.yml", "Agentic's configuration is never changed by Agentic")]
    public void Should_refuse_a_patch_when_it_touches_what_the_executor_never_changes(string path, string reason)
    {
        Assert.That(Check(path, allowPaths: ["CODEOWNERS", "**/*.props"], dependencyFix: true), Is.EqualTo($"the patch was refused: '{path}': {reason}"));
    }

    [TestCase("CODEOWNERS", "code owners decide who must review")]
    [TestCase(".github/CODEOWNERS", "code owners decide who must review")]
    [TestCase(".github/dependabot.yml", "GitHub settings")]
    [TestCase("Directory.Build.props", "MSBuild files imported by every project")]
    [TestCase("build/Signing.targets", "MSBuild imports")]
    [TestCase("tests/conftest.py", "pytest loads it before every test")]
    [TestCase(".npmrc", "npm registry")]
    [TestCase(".yarnrc.yml", "Yarn")]
    [TestCase("NuGet.Config", "NuGet package sources")]
    [TestCase("package-lock.json", "lockfiles change only in a dependency fix")]
    [TestCase("Directory.Packages.props", "central package versions change only in a dependency fix")]
    public void Should_refuse_a_patch_when_it_touches_a_file_protected_by_default(string path, string why)
    {
        Assert.That(Check(path), Does.StartWith($"the patch was refused: '{path}' is protected (").And.Contain(why).And.Contain("allow_paths"));
    }

    [TestCase("package-lock.json")]
    [TestCase("web/yarn.lock")]
    [TestCase("pnpm-lock.yaml")]
    [TestCase("src/App/packages.lock.json")]
    [TestCase("Directory.Packages.props")]
    public void Should_accept_a_lockfile_when_the_fix_is_a_dependency_fix(string path)
    {
        Assert.That(Check(path, dependencyFix: true), Is.Null);
    }

    [Test]
    public void Should_accept_a_protected_file_when_the_workflow_sends_it_as_allowed()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Check("CODEOWNERS", allowPaths: ["CODEOWNERS"]), Is.Null);
            Assert.That(Check("docs/CODEOWNERS", allowPaths: ["CODEOWNERS"]), Does.Contain("is protected"), "a glob without ** matches from the root only");
        });
    }

    [Test]
    public void Should_ignore_allow_paths_when_they_come_from_the_working_copys_own_configuration()
    {
        // The working copy is the pull request's head: its .github/agentic.yml may say anything. Only what the workflow
        // sends (read from the default branch) counts.
        var (headConfig, problems) = AgenticYaml.Parse("allow_paths:\n  - CODEOWNERS\n  - Directory.Build.props\n");
        Assert.That(problems, Is.Empty);

        Assert.Multiple(() =>
        {
            Assert.That(Check("CODEOWNERS", config: headConfig), Does.Contain("'CODEOWNERS' is protected"));
            Assert.That(Check("Directory.Build.props", config: headConfig), Does.Contain("'Directory.Build.props' is protected"));
        });
    }

    [TestCase("deploy/prod/values.yml", "deploy/**")]
    [TestCase("server.pem", "*.pem")]
    public void Should_refuse_a_patch_when_it_touches_a_path_the_repository_protects(string path, string glob)
    {
        Assert.That(Check(path), Is.EqualTo($"the patch touches {path}, protected by the repository ({glob})"));
    }

    [TestCase("src/App.cs")]
    [TestCase("src/App/App.csproj")]
    [TestCase("package.json")]
    [TestCase("docs/actions/readme.md")]
    public void Should_accept_a_patch_when_it_touches_ordinary_files(string path)
    {
        Assert.That(Check(path), Is.Null);
    }
}
