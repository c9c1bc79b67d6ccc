using Agentic.Executor.Setup;

namespace Agentic.Executor.Tests.Setup;

/// <summary>Which yarn a project asks for, from its files alone (the lockfiles are the fixtures', written by yarn 1.22.22 and 4.9.2).</summary>
public sealed class YarnProjectTests
{
    private static readonly string Fixtures = Path.Combine(TestContext.CurrentContext.TestDirectory, "Setup", "Fixtures");

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "yarn-project-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private void Write(string fixture, string? packageManager, string? yarnrc)
    {
        File.Copy(Path.Combine(Fixtures, fixture, "yarn.lock"), Path.Combine(_folder, "yarn.lock"));
        File.WriteAllText(Path.Combine(_folder, "package.json"), packageManager is null ? """{ "name": "x" }""" : $$"""{ "name": "x", "packageManager": "{{packageManager}}" }""");
        if (yarnrc is not null)
        {
            File.WriteAllText(Path.Combine(_folder, ".yarnrc.yml"), yarnrc);
        }
    }

    [Test]
    public void Should_find_no_yarn_project_without_a_yarn_lock() => Assert.That(YarnProject.Read(_folder), Is.Null);

    [TestCase(null)]
    [TestCase("yarn@1.22.19")]
    public void Should_take_a_yarn_1_lockfile_for_classic_yarn(string? packageManager)
    {
        Write("yarn", packageManager, null);

        Assert.That(YarnProject.Read(_folder), Is.EqualTo(new YarnProject(YarnFlavour.Classic, packageManager?[5..], null, null)));
    }

    [TestCase("yarn@4.9.2", "4.9.2")]
    [TestCase("yarn@4.9.2+sha512.0123abcd", "4.9.2")]
    [TestCase("yarn@3.8.7", "3.8.7")]
    public void Should_run_yarn_2_and_later_through_corepack_when_package_manager_pins_it(string packageManager, string version)
    {
        Write("yarn-berry", packageManager, "nodeLinker: node-modules\n");

        Assert.That(YarnProject.Read(_folder), Is.EqualTo(new YarnProject(YarnFlavour.Corepack, version, "node-modules", null)));
    }

    [Test]
    public void Should_let_the_machine_yarn_hand_over_to_a_committed_release()
    {
        Write("yarn-berry", null, "yarnPath: .yarn/releases/yarn-4.9.2.cjs\nnodeLinker: \"node-modules\" # comment\n");

        Assert.That(YarnProject.Read(_folder), Is.EqualTo(new YarnProject(YarnFlavour.Committed, null, "node-modules", null)));
    }

    [TestCase(null, "not set, so pnp")]
    [TestCase("nodeLinker: pnp\n", "nodeLinker: pnp")]
    public void Should_refuse_plug_n_play_by_name(string? yarnrc, string said)
    {
        Write("yarn-berry", "yarn@4.9.2", yarnrc);

        var project = YarnProject.Read(_folder);

        Assert.That(project!.Problem, Does.StartWith("the repository uses Yarn 4.9.2 Plug'n'Play").And.Contain(said).And.Contain("nodeLinker: node-modules"));
    }

    [Test]
    public void Should_refuse_a_yarn_2_lockfile_that_names_no_yarn()
    {
        Write("yarn-berry", null, "nodeLinker: node-modules\n");

        Assert.That(YarnProject.Read(_folder)!.Problem, Does.Contain("Yarn 2+ lockfile").And.Contain("\"packageManager\""));
    }

    [Test]
    public void Should_detect_the_install_command_each_yarn_needs_with_scripts_off()
    {
        Write("yarn", null, null);
        var classic = SetupDetector.Detect(_folder, allowLifecycleScripts: false).Single().Arguments;
        File.Delete(Path.Combine(_folder, "yarn.lock"));
        File.Delete(Path.Combine(_folder, "package.json"));
        Write("yarn-berry", "yarn@4.9.2", "nodeLinker: node-modules\n");
        var berry = SetupDetector.Detect(_folder, allowLifecycleScripts: false).Single().Arguments;
        var berryWithScripts = SetupDetector.Detect(_folder, allowLifecycleScripts: true).Single().Arguments;

        Assert.That(classic, Is.EqualTo(new[] { "yarn", "install", "--frozen-lockfile", "--ignore-scripts" }));
        Assert.That(berry, Is.EqualTo(new[] { "yarn", "install", "--immutable", "--mode=skip-build" }));
        Assert.That(berryWithScripts, Is.EqualTo(new[] { "yarn", "install", "--immutable" }));
    }
}
