using Agentic.Executor.Validation;

namespace Agentic.Executor.Tests.Validation;

public sealed class RepositoryConfigTests
{
    [Test]
    public void Should_read_commands_and_protected_paths_when_the_config_declares_them()
    {
        var config = RepositoryConfig.Parse("""
            build: dotnet build App.sln -c Release
            test: ["dotnet", "test", "App.sln"]
            lint:
              - npm run lint
              - npx tsc --noEmit
            protected_paths: ["deploy/**", "*.pem", "docs/"]
            auto_fix: true
            """);

        Assert.That(string.Join("|", config.Commands["build"].Single()), Is.EqualTo("dotnet|build|App.sln|-c|Release"));
        Assert.That(string.Join("|", config.Commands["test"].Single()), Is.EqualTo("dotnet|test|App.sln"));
        Assert.That(config.Commands["lint"], Has.Count.EqualTo(2));
        Assert.That(config.ProtectedPaths.Any(g => g.IsMatch("deploy/a/b.yml")), Is.True);
        Assert.That(config.ProtectedPaths.Any(g => g.IsMatch("key.pem")), Is.True);
        Assert.That(config.ProtectedPaths.Any(g => g.IsMatch("docs/x.md")), Is.True);
        Assert.That(config.ProtectedPaths.Any(g => g.IsMatch("src/key.pem.txt")), Is.False);
    }

    [TestCase("build: make && make install", "'&'")]
    [TestCase("test: echo $HOME", "'$'")]
    [TestCase("build: [unclosed", "line")]
    [TestCase("protected_paths: {a: 1}", "protected_paths")]
    public void Should_name_the_problem_when_the_config_is_invalid(string yaml, string expected)
    {
        var error = Assert.Throws<RepositoryConfigException>(() => RepositoryConfig.Parse(yaml));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Should_keep_quoted_words_together_when_splitting_a_command()
    {
        Assert.That(string.Join("|", CommandLine.Split("pytest -k 'not slow' \"tests/a b.py\"")), Is.EqualTo("pytest|-k|not slow|tests/a b.py"));
    }

    [Test]
    public void Should_detect_dotnet_build_when_the_repository_has_one_project()
    {
        var directory = Directory.CreateTempSubdirectory("agentic-detect").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "App.csproj"), "<Project />");
            File.WriteAllText(Path.Combine(directory, "package.json"), """{"scripts":{"lint":"eslint .","start":"node ."}}""");

            var plan = ValidationPlanner.Plan(directory, RepositoryConfig.Empty);

            Assert.That(string.Join("|", plan.Select(p => p.CommandLine)), Is.EqualTo("dotnet build App.csproj --nologo -v q|npm run --silent lint"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
