using Agentic.Executor.Commands;
using Agentic.Executor.Commands.Fixers;
using Agentic.Executor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Executor.Tests.Commands;

/// <summary>
/// The fixers' resolution from a repository's declarations and their argv, and <c>format</c>'s argument checks (paths
/// come from untrusted logs). black runs for real (Debian's package; see AppHost/prerequisites.sh); ruff and gofmt are
/// not installable on these machines (PyPI unreachable, no Go), so their resolution and argv are checked here only.
/// </summary>
public sealed class FixerTests
{
    private string _workspace = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = Path.Combine(Path.GetTempPath(), "agentic-executor-tests", "fixers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workspace);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_workspace, recursive: true);

    [TestCase("paths", "../outside.js", "leaves the repository")]
    [TestCase("paths", "src/a.js\n/etc/passwd", "is not a relative repository path")]
    [TestCase("paths", "--config=evil.js", "is not a relative repository path")]
    [TestCase("paths", ".git/hooks/pre-commit", "touches .git")]
    [TestCase("paths", "src\\a.js", "is not a relative repository path")]
    [TestCase("tool", "sh", "unknown tool 'sh'")]
    [TestCase("mode", "whitespace", "mode needs a tool that has modes")]
    [TestCase("command", "x", "unknown argument(s) command")]
    public void Should_refuse_arguments_outside_the_rules(string key, string value, string problem)
    {
        var arguments = new Dictionary<string, string> { [key] = value };

        Assert.That(new FormatCommand(null!, new FixerCatalog()).ValidateArguments(arguments), Does.Contain(problem));
    }

    [TestCase("prettier", "check", null, "mode needs a tool that has modes")]
    [TestCase("dotnet-format", "whitespace bogus", null, "mode must be among whitespace, style, analyzers")]
    [TestCase("prettier", null, "IDE0055", "diagnostics need a tool that takes them")]
    [TestCase("dotnet-format", "style", "IDE0055;rm", "diagnostics must be")]
    public void Should_refuse_a_mode_or_diagnostics_the_tool_does_not_take(string tool, string? mode, string? diagnostics, string problem)
    {
        var arguments = new Dictionary<string, string> { ["tool"] = tool };
        if (mode is not null)
        {
            arguments["mode"] = mode;
        }

        if (diagnostics is not null)
        {
            arguments["diagnostics"] = diagnostics;
        }

        Assert.That(new FormatCommand(null!, new FixerCatalog()).ValidateArguments(arguments), Does.Contain(problem));
    }

    [Test]
    public void Should_accept_a_tool_its_modes_diagnostics_and_paths_one_a_line()
    {
        var arguments = new Dictionary<string, string> { ["tool"] = "dotnet-format", ["mode"] = "style analyzers", ["diagnostics"] = "IDE0090 CA1822", ["paths"] = "src/A.cs\nsrc/B c.cs" };

        Assert.That(new FormatCommand(null!, new FixerCatalog()).ValidateArguments(arguments), Is.Null);
    }

    [TestCase("pyproject.toml", "[tool.black]\nline-length = 100\n", "black", true)]
    [TestCase("pyproject.toml", "[project]\nname = \"x\"\n[project.optional-dependencies]\ndev = [\"black>=23\", \"pytest\"]\n", "black", true)]
    [TestCase("pyproject.toml", "[tool.poetry.group.dev.dependencies]\nruff = \"^0.6\"\n", "ruff", true)]
    [TestCase("pyproject.toml", "[dependency-groups]\ndev = [\"ruff==0.6.9\"]\n", "ruff", true)]
    [TestCase("requirements-dev.txt", "pytest==8.0\nblack==23.1.0\n", "black", true)]
    [TestCase("requirements.txt", "blacken-docs==1.0\n", "black", false)]
    [TestCase("pyproject.toml", "[project]\ndependencies = [\"ruffus\"]\n", "ruff", false)]
    public void Should_find_a_python_tool_only_where_the_project_declares_it(string file, string content, string tool, bool declared)
    {
        File.WriteAllText(Path.Combine(_workspace, file), content);

        Assert.That(DeclaredTools.PythonDeclares(_workspace, tool), Is.EqualTo(declared));
    }

    [Test]
    public void Should_run_ruff_from_the_projects_virtual_environment_with_check_fix_or_format()
    {
        File.WriteAllText(Path.Combine(_workspace, "pyproject.toml"), "[tool.ruff]\nline-length = 100\n");
        Directory.CreateDirectory(Path.Combine(_workspace, ".venv", "bin"));
        File.WriteAllText(Path.Combine(_workspace, ".venv", "bin", "ruff"), "");
        var ruff = new RuffFixer();

        var resolution = ruff.Resolve(_workspace);

        Assert.That(resolution.Program, Is.EqualTo(".venv/bin/ruff"));
        Assert.That(ruff.Arguments(resolution, "check", ["app/main.py"], []), Is.EqualTo(new[] { ".venv/bin/ruff", "check", "--fix", "--no-cache", "--", "app/main.py" }));
        Assert.That(ruff.Arguments(resolution, "format", ["app/main.py"], []), Is.EqualTo(new[] { ".venv/bin/ruff", "format", "--no-cache", "--", "app/main.py" }));
        Assert.That(ruff.AcceptableExitCodes("check"), Is.EqualTo(new[] { 1 }));
        Assert.That(ruff.WorksOn("app/main.py") && !ruff.WorksOn("README.md"), Is.True);
    }

    [Test]
    public void Should_say_ruff_is_declared_but_not_installed_when_no_environment_has_it()
    {
        Assume.That(DeclaredTools.OnSandboxPath("ruff"), Is.Null, "ruff is installed on this machine");
        File.WriteAllText(Path.Combine(_workspace, "requirements.txt"), "ruff==0.6.9\n");

        var resolution = new RuffFixer().Resolve(_workspace);

        Assert.That(resolution.Availability, Is.EqualTo(FixerAvailability.DeclaredNotInstalled));
        Assert.That(resolution.Reason, Is.EqualTo("ruff is declared by the Python project but not installed: dependencies were not set up"));
    }

    [Test]
    public void Should_resolve_gofmt_for_a_go_module_and_write_the_named_files()
    {
        var gofmt = new GofmtFixer();
        Assert.That(gofmt.Resolve(_workspace).Availability, Is.EqualTo(FixerAvailability.NotDeclared));
        File.WriteAllText(Path.Combine(_workspace, "go.mod"), "module example.com/x\n\ngo 1.22\n");

        var resolution = gofmt.Resolve(_workspace);

        if (DeclaredTools.OnSandboxPath("gofmt", "/usr/local/go/bin", "/usr/lib/go/bin") is null)
        {
            Assert.That(resolution.Reason, Is.EqualTo("the repository is a Go module (go.mod) but gofmt is not installed on this machine"));
            resolution = FixerResolution.Found("/usr/bin/gofmt");
        }

        Assert.That(gofmt.Arguments(resolution, "", ["cmd/main.go"], []), Is.EqualTo(new[] { resolution.Program!, "-w", "--", "cmd/main.go" }));
        Assert.That(gofmt.WorksOn("cmd/main.go") && !gofmt.WorksOn("go.mod"), Is.True);
    }

    [Test]
    public void Should_build_dotnet_format_with_include_diagnostics_and_the_folder_when_there_is_no_project()
    {
        var dotnet = new DotnetFormatFixer();
        var project = FixerResolution.Found("dotnet", "App.sln");
        var folder = FixerResolution.Found("dotnet");

        Assert.That(
            dotnet.Arguments(project, "style", ["src/A.cs"], ["IDE0090"]),
            Is.EqualTo(new[] { "dotnet", "format", "style", "App.sln", "--severity", "info", "--diagnostics", "IDE0090", "--include", "src/A.cs", "--verbosity", "minimal" }));
        Assert.That(
            dotnet.Arguments(folder, "whitespace", ["A.cs"], []),
            Is.EqualTo(new[] { "dotnet", "format", "whitespace", "--folder", "--include", "A.cs", "--verbosity", "minimal" }));
        Assert.That(dotnet.CannotRun(folder, "analyzers"), Does.Contain("needs a solution or project"));
    }

    [Test]
    public async Task Should_format_only_the_named_file_with_black()
    {
        Assume.That(DeclaredTools.OnSandboxPath("black"), Is.Not.Null, "black is not installed (AppHost/prerequisites.sh installs it)");
        await using var harness = await ExecutorHarness.StartAsync();
        const string Ugly = "x = {  'a':37,'b':42,\n'c':927}\n";
        Directory.CreateDirectory(harness.Root);
        var workspace = Path.Combine(harness.Root, "py");
        Directory.CreateDirectory(workspace);
        File.WriteAllText(Path.Combine(workspace, "pyproject.toml"), "[project]\nname = \"demo\"\n\n[project.optional-dependencies]\ndev = [\"black>=23\"]\n");
        File.WriteAllText(Path.Combine(workspace, "a.py"), Ugly);
        File.WriteAllText(Path.Combine(workspace, "b.py"), Ugly);
        var format = harness.Services.GetRequiredService<CommandLibrary>().Find("format")!;
        var arguments = new Dictionary<string, string> { ["tool"] = "black", ["paths"] = "a.py" };

        var result = await format.RunAsync(new CommandContext(workspace, [], arguments, TimeSpan.FromMinutes(1)), CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(CommandStatus.Ran), result.Message + result.Sandbox?.OutputTail);
        Assert.That(File.ReadAllText(Path.Combine(workspace, "a.py")), Is.EqualTo("x = {\"a\": 37, \"b\": 42, \"c\": 927}\n"));
        Assert.That(File.ReadAllText(Path.Combine(workspace, "b.py")), Is.EqualTo(Ugly));
        Assert.That(result.CommandLine, Is.EqualTo("black --quiet a.py"));
    }
}
