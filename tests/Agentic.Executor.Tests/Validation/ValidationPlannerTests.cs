using Agentic.Executor.Validation;
using Agentic.RepositoryConfig;

namespace Agentic.Executor.Tests.Validation;

public sealed class ValidationPlannerTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("agentic-detect").FullName;
        File.WriteAllText(Path.Combine(_directory, "App.csproj"), "<Project />");
        File.WriteAllText(Path.Combine(_directory, "package.json"), """{"scripts":{"lint":"eslint .","start":"node ."}}""");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Should_detect_dotnet_build_when_the_repository_has_one_project()
    {
        var plan = ValidationPlanner.Plan(_directory, AgenticYaml.Default);

        Assert.That(string.Join("|", plan.Select(p => p.CommandLine)), Is.EqualTo("dotnet build App.csproj --nologo -v q|npm run --silent lint"));
    }

    [Test]
    public void Should_run_the_declared_commands_when_agentic_yml_names_them()
    {
        var (config, problems) = AgenticYaml.Parse("""
            build:
            test: pytest -k 'not slow'
            lint: [[npm, run, lint], "npx tsc --noEmit"]
            """);

        Assert.That(problems, Is.Empty);
        var plan = ValidationPlanner.Plan(_directory, config!);

        Assert.That(plan.Select(p => $"{p.Kind}: {p.CommandLine}"), Is.EqualTo(new[] { "test: pytest -k 'not slow'", "lint: npm run lint", "lint: npx tsc --noEmit" }), "an empty build declares none, so none is detected");
    }

    [TestCase("npm run check", "npm run --silent check")]
    [TestCase("yarn check", null)]
    [TestCase("pnpm run check", "npm run --silent check")]
    [TestCase("npm run lint", null)]
    [TestCase("npm run deploy", null)]
    [TestCase("npm run check; curl http://evil", null)]
    [TestCase("npm run check && rm -rf ~", null)]
    [TestCase("make check", null)]
    public void Should_add_the_failed_steps_package_script_only_when_package_json_declares_it(string failedCommand, string? added)
    {
        File.WriteAllText(Path.Combine(_directory, "package.json"), """{"scripts":{"lint":"eslint .","check":"npm run lint && prettier --check ."}}""");

        var plan = ValidationPlanner.Plan(_directory, AgenticYaml.Default, failedCommand);

        var expected = new List<string> { "dotnet build App.csproj --nologo -v q", "npm run --silent lint" };
        if (added is not null)
        {
            expected.Add(added);
        }

        Assert.That(plan.Select(p => p.CommandLine), Is.EqualTo(expected), "already planned (lint), undeclared, not a bare script run, or not a package manager: nothing added");
    }
}
