namespace Agentic.Patches.Tests;

public sealed class ProtectedFilesTests
{
    [TestCase("CODEOWNERS", "code owners")]
    [TestCase(".github/CODEOWNERS", "code owners")]
    [TestCase("docs/CODEOWNERS", "code owners")]
    [TestCase(".github/dependabot.yml", "GitHub settings")]
    [TestCase(".github/ISSUE_TEMPLATE/bug.md", "GitHub settings")]
    [TestCase("Directory.Build.props", "MSBuild")]
    [TestCase("src/Directory.Build.targets", "MSBuild")]
    [TestCase("build/Common.props", "MSBuild")]
    [TestCase("src/App/App.targets", "MSBuild")]
    [TestCase("NuGet.Config", "NuGet")]
    [TestCase("nuget.config", "NuGet")]
    [TestCase("global.json", "SDK")]
    [TestCase("tests/conftest.py", "pytest")]
    [TestCase("conftest.py", "pytest")]
    [TestCase(".npmrc", "npm")]
    [TestCase("web/.npmrc", "npm")]
    [TestCase(".yarnrc.yml", "Yarn")]
    [TestCase(".yarnrc", "Yarn")]
    [TestCase(".gitattributes", "git filters")]
    [TestCase("package-lock.json", "lockfiles")]
    [TestCase("web/yarn.lock", "lockfiles")]
    [TestCase("pnpm-lock.yaml", "lockfiles")]
    [TestCase("src/App/packages.lock.json", "lockfiles")]
    [TestCase("Directory.Packages.props", "dependency fix")]
    public void Should_protect_a_file_when_it_changes_how_code_is_built_tested_reviewed_or_owned(string path, string why)
    {
        var problem = ProtectedFiles.Problem(path, [], dependencyFix: false);

        Assert.That(problem, Does.Contain($"'{path}' is protected").And.Contain(why).And.Contain("allow_paths"));
    }

    [TestCase(".github/workflows/ci.yml", "workflow files are never changed")]
    [TestCase(".GitHub/Workflows/ci.yml", "workflow files are never changed")]
    [TestCase(".github/actions/setup/action.yml", "action files are never changed")]
    [TestCase(".github/agentic.yml", "Agentic's configuration is never changed")]
    [TestCase("vendor/.git/config", "the .git directory is never changed")]
    public void Should_refuse_a_file_whatever_the_repository_allows_when_it_is_ci_git_or_agentic_configuration(string path, string why)
    {
        Assert.That(ProtectedFiles.Problem(path, ["**", ".github/**", "**/*.yml"], dependencyFix: true), Does.Contain(why));
    }

    [TestCase("src/App.cs")]
    [TestCase("src/App/App.csproj")]
    [TestCase("package.json")]
    [TestCase("README.md")]
    [TestCase("docs/github/notes.md")]
    [TestCase("tests/test_cart.py")]
    public void Should_accept_a_file_when_it_is_ordinary_code(string path)
    {
        Assert.That(ProtectedFiles.Problem(path, [], dependencyFix: false), Is.Null);
    }

    [TestCase("package-lock.json")]
    [TestCase("web/yarn.lock")]
    [TestCase("pnpm-lock.yaml")]
    [TestCase("src/App/packages.lock.json")]
    [TestCase("Directory.Packages.props")]
    public void Should_accept_a_lockfile_when_the_change_is_a_dependency_fix(string path)
    {
        Assert.That(ProtectedFiles.Problem(path, [], dependencyFix: true), Is.Null);
    }

    [Test]
    public void Should_keep_other_build_files_protected_when_the_change_is_a_dependency_fix()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ProtectedFiles.Problem("Directory.Build.props", [], dependencyFix: true), Does.Contain("MSBuild"));
            Assert.That(ProtectedFiles.Problem("nuget.config", [], dependencyFix: true), Does.Contain("NuGet"));
            Assert.That(ProtectedFiles.Problem(".npmrc", [], dependencyFix: true), Does.Contain("npm"));
        });
    }

    [Test]
    public void Should_accept_a_default_protected_file_when_the_repository_allows_it()
    {
        string[] allowed = ["docs/CODEOWNERS", "build/*.props"];

        Assert.Multiple(() =>
        {
            Assert.That(ProtectedFiles.Problem("docs/CODEOWNERS", allowed, dependencyFix: false), Is.Null);
            Assert.That(ProtectedFiles.Problem("build/Common.props", allowed, dependencyFix: false), Is.Null);
            Assert.That(ProtectedFiles.Problem("CODEOWNERS", allowed, dependencyFix: false), Does.Contain("code owners"), "only what the globs match");
            Assert.That(ProtectedFiles.Problem("Directory.Build.props", allowed, dependencyFix: false), Does.Contain("MSBuild"));
        });
    }

    [TestCase("./CODEOWNERS")]
    [TestCase("docs//CODEOWNERS")]
    [TestCase("docs\\CODEOWNERS")]
    public void Should_protect_a_file_when_its_path_is_spelled_differently(string path)
    {
        Assert.That(ProtectedFiles.Problem(path, [], dependencyFix: false), Does.Contain("code owners"));
    }

    [TestCase("../CODEOWNERS")]
    [TestCase("/etc/passwd")]
    [TestCase("C:/x")]
    public void Should_refuse_a_path_when_it_is_not_repository_relative(string path)
    {
        Assert.That(ProtectedFiles.Problem(path, ["**/*"], dependencyFix: true), Does.Contain("is not a plain repository-relative path"));
    }

    [TestCase("**")]
    [TestCase(".github/**")]
    [TestCase(".github/")]
    [TestCase("**/*.yml")]
    [TestCase(".git")]
    [TestCase("**/config")]
    [TestCase("../x")]
    [TestCase("")]
    public void Should_refuse_an_allow_path_when_it_opens_what_is_never_changed_or_is_no_glob(string glob)
    {
        Assert.That(ProtectedFiles.AllowPathProblem(glob), Is.Not.Null);
    }

    [TestCase("CODEOWNERS")]
    [TestCase(".github/CODEOWNERS")]
    [TestCase(".github/dependabot.yml")]
    [TestCase("**/*.props")]
    [TestCase("tests/conftest.py")]
    public void Should_accept_an_allow_path_when_it_opens_only_default_protected_files(string glob)
    {
        Assert.That(ProtectedFiles.AllowPathProblem(glob), Is.Null);
    }
}
