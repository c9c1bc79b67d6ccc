namespace Agentic.Patches.Tests;

public sealed class CiFilesTests
{
    [TestCase(".github/workflows/ci.yml", "'.github/workflows/ci.yml': workflow files are never changed")]
    [TestCase(".GitHub/Workflows/release.yml", "'.GitHub/Workflows/release.yml': workflow files are never changed")]
    [TestCase(".github/actions/setup/action.yml", "'.github/actions/setup/action.yml': action files are never changed")]
    [TestCase(".github/actions/build/dist/index.js", "'.github/actions/build/dist/index.js': action files are never changed")]
    public void Should_refuse_a_path_when_ci_runs_it_with_the_repository_secrets(string path, string problem)
    {
        Assert.That(CiFiles.Problem(path), Is.EqualTo(problem));
        Assert.That(CiFiles.FolderOf(path), Is.Not.Null);
    }

    [TestCase(".github/dependabot.yml")]
    [TestCase(".github/CODEOWNERS")]
    [TestCase("docs/.github/workflows.md")]
    [TestCase("src/actions/Run.cs")]
    public void Should_accept_a_path_when_it_is_not_a_ci_file(string path)
    {
        Assert.That(CiFiles.Problem(path), Is.Null);
        Assert.That(CiFiles.FolderOf(path), Is.Null);
    }
}
