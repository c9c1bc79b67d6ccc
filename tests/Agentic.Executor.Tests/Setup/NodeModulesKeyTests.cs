using Agentic.Executor.Reproduction;
using Agentic.Executor.Setup;

namespace Agentic.Executor.Tests.Setup;

/// <summary>The key a saved <c>node_modules</c> is found by: the lockfile, the command, scripts, and the machine's toolchains.</summary>
public sealed class NodeModulesKeyTests
{
    private static readonly SetupStep NpmCi = new("npm ci", ["npm", "ci", "--ignore-scripts"], ".", new Dictionary<string, string>());

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Directory.CreateTempSubdirectory("node-modules-key-").FullName;
        File.WriteAllText(Path.Combine(_folder, "package-lock.json"), """{ "lockfileVersion": 3, "packages": {} }""");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static InstalledToolchains Toolchains(string node, string dotnet = "10.0.401", string python = "3.11.2") => new([node], [dotnet], [python], Pwsh: false);

    [Test]
    public void Should_give_another_key_when_the_node_version_differs()
    {
        var node20 = SetupPhase.NodeModulesKey(NpmCi, _folder, allowLifecycleScripts: false, Toolchains("20.20.2"));
        var node22 = SetupPhase.NodeModulesKey(NpmCi, _folder, allowLifecycleScripts: false, Toolchains("22.11.0"));

        Assert.That(node20, Is.Not.Null);
        Assert.That(node22, Is.Not.EqualTo(node20), "native modules are built for one node ABI");
    }

    [Test]
    public void Should_give_another_key_when_the_dotnet_sdk_or_python_version_differs()
    {
        var first = SetupPhase.NodeModulesKey(NpmCi, _folder, false, Toolchains("20.20.2"));

        Assert.That(SetupPhase.NodeModulesKey(NpmCi, _folder, false, Toolchains("20.20.2", dotnet: "9.0.100")), Is.Not.EqualTo(first));
        Assert.That(SetupPhase.NodeModulesKey(NpmCi, _folder, false, Toolchains("20.20.2", python: "3.12.1")), Is.Not.EqualTo(first));
    }

    [Test]
    public void Should_give_the_same_key_when_lockfile_command_and_toolchains_are_the_same()
    {
        var first = SetupPhase.NodeModulesKey(NpmCi, _folder, false, Toolchains("20.20.2"));
        var again = SetupPhase.NodeModulesKey(NpmCi, _folder, false, Toolchains("20.20.2"));

        Assert.That(again, Is.EqualTo(first));
    }

    [Test]
    public void Should_have_no_key_when_the_step_only_writes_the_lockfile()
    {
        var refresh = new SetupStep("refresh", ["npm", "install", "--package-lock-only", "--ignore-scripts"], ".", new Dictionary<string, string>());

        Assert.That(SetupPhase.NodeModulesKey(refresh, _folder, false, Toolchains("20.20.2")), Is.Null);
    }
}
