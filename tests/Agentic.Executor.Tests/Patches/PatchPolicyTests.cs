using Agentic.Executor.Options;
using Agentic.Executor.Patches;
using Agentic.RepositoryConfig;

namespace Agentic.Executor.Tests.Patches;

public sealed class PatchPolicyTests
{
    private static readonly AgenticYaml Config = AgenticYaml.Default with { ProtectedPaths = ["deploy/**", "*.pem"] };

    private static string? Check(string path) => PatchPolicy.Check(new Patch("", [new PatchFile(path, 1, 1, Binary: false)]), Config, new PatchLimits());

    [TestCase(".github/workflows/ci.yml", ".github/workflows/**")]
    [TestCase(".github/actions/setup/action.yml", ".github/actions/**")]
    [TestCase(".github/actions/setup/run.sh", ".github/actions/**")]
    [TestCase(".GitHub/Actions/setup/action.yml", ".github/actions/**")]
    [TestCase(".github/agentic.yml", ".github/agentic.yml")]
    public void Should_refuse_a_patch_when_it_touches_what_the_executor_never_changes(string path, string glob)
    {
        Assert.That(Check(path), Is.EqualTo($"the patch touches {path}, which the executor never changes ({glob})"));
    }

    [TestCase("deploy/prod/values.yml", "deploy/**")]
    [TestCase("server.pem", "*.pem")]
    public void Should_refuse_a_patch_when_it_touches_a_path_the_repository_protects(string path, string glob)
    {
        Assert.That(Check(path), Is.EqualTo($"the patch touches {path}, protected by the repository ({glob})"));
    }

    [TestCase("src/App.cs")]
    [TestCase(".github/dependabot.yml")]
    [TestCase("docs/actions/readme.md")]
    public void Should_accept_a_patch_when_it_touches_ordinary_files(string path)
    {
        Assert.That(Check(path), Is.Null);
    }
}
