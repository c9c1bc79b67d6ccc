using Agentic.Contracts.Common;
using Agentic.Executor.Reproduction;

namespace Agentic.Executor.Tests.Reproduction;

public sealed class ReproductionPlannerTests
{
    private static readonly InstalledToolchains Machine = new(Node: ["20.20.2"], Dotnet: ["10.0.401"], Python: ["3.11.7"], Pwsh: false);

    private static GitHubWorkflow Workflow(string file)
    {
        var (workflow, problem) = GitHubWorkflow.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Reproduction", "Workflows", file)));
        Assert.That(problem, Is.Null);
        return workflow!;
    }

    private static ReproductionPlan Planned(string file, CiJobReference job, InstalledToolchains? installed = null)
    {
        var result = ReproductionPlanner.Plan(Workflow(file), job, installed ?? Machine);
        Assert.That(result.Status, Is.EqualTo(PlanningStatus.Planned), result.Reason);
        return result.Plan!;
    }

    private static CiJobReference Job(string workflow, string name, int? number = null, string? step = null, string? command = null) => new()
    {
        WorkflowPath = ".github/workflows/" + workflow,
        JobName = name,
        FailedStepNumber = number,
        FailedStepName = step,
        FailedStepCommand = command,
    };

    [TestCase("Node.js 18 on ubuntu-latest", "test", "18")]
    [TestCase("Node.js 22 on ubuntu-latest", "test", "22")]
    [TestCase("unit (20.x, 1)", "unit", "20.x")]
    [TestCase("unit (22.x, 1)", "unit", "22.x")]
    [TestCase("Lint", "lint", null)]
    [TestCase("lint", "lint", null)]
    public void Should_find_the_job_when_ci_shows_its_name_with_the_matrix_values(string jobName, string id, string? version)
    {
        var (job, matrix) = ReproductionPlanner.FindJob(Workflow("node-library.yml"), jobName);

        Assert.That(job?.Id, Is.EqualTo(id));
        Assert.That(matrix.Count > 0 ? matrix[0].Value : null, Is.EqualTo(version));
    }

    [Test]
    public void Should_find_no_job_when_the_matrix_excludes_the_combination()
    {
        var (job, _) = ReproductionPlanner.FindJob(Workflow("node-library.yml"), "unit (22.x, 2)");

        Assert.That(job, Is.Null);
    }

    [Test]
    public void Should_add_the_include_values_to_the_matching_combination()
    {
        var (_, matrix) = ReproductionPlanner.FindJob(Workflow("node-library.yml"), "Node.js 20 on ubuntu-latest");

        Assert.That(matrix.Select(p => $"{p.Key}={p.Value}"), Is.EqualTo(new[] { "node-version=20", "os=ubuntu-latest", "coverage=true" }));
    }

    [TestCase(6, null, null)]
    [TestCase(null, "Run tests", null)]
    [TestCase(null, null, "npm test -- --reporter=verbose")]
    [TestCase(6, "Run tests", "npm test -- --reporter=verbose")]
    // A number that contradicts the name: the name wins.
    [TestCase(3, "Run tests", null)]
    public void Should_find_the_failed_step_by_number_name_or_command(int? number, string? name, string? command)
    {
        var workflow = Workflow("node-library.yml");
        var (job, _) = ReproductionPlanner.FindJob(workflow, "Node.js 20 on ubuntu-latest");

        var index = ReproductionPlanner.FindStep(job!, Job("node-library.yml", "Node.js 20 on ubuntu-latest", number, name, command));

        Assert.That(job!.Steps[index!.Value].Name, Is.EqualTo("Run tests"));
    }

    [Test]
    public void Should_find_a_step_without_a_name_by_the_name_github_gives_it()
    {
        var (job, _) = ReproductionPlanner.FindJob(Workflow("node-library.yml"), "Node.js 20 on ubuntu-latest");

        var index = ReproductionPlanner.FindStep(job!, Job("node-library.yml", "x", step: "Run npm run build"));

        Assert.That(index, Is.EqualTo(3));
    }

    [Test]
    public void Should_plan_the_step_with_its_shell_non_secret_environment_and_the_install_steps_before_it()
    {
        var plan = Planned("node-library.yml", Job("node-library.yml", "Node.js 20 on ubuntu-latest", 6));

        Assert.That(plan.Script, Is.EqualTo("npm test -- --reporter=verbose\necho \"tests done\"\n"));
        Assert.That(plan.Shell, Is.EqualTo(new[] { "bash", "--noprofile", "--norc", "-eo", "pipefail" }), "defaults.run.shell: bash");
        Assert.That(plan.WorkingDirectory, Is.Empty);
        var environment = plan.Environment.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(environment["FORCE_COLOR"], Is.EqualTo("1"));
        Assert.That(environment["NODE_OPTIONS"], Is.EqualTo("--max-old-space-size=4096"));
        Assert.That(environment["TZ"], Is.EqualTo("UTC"));
        Assert.That(environment["COVERAGE"], Is.EqualTo("true"), "matrix.coverage of the include entry");
        Assert.That(environment["REPORT_DIR"], Is.EqualTo("reports/UTC"), "env.TZ resolved");
        Assert.That(environment["CI"], Is.EqualTo("true"));
        Assert.That(environment.Keys, Has.None.AnyOf("NPM_TOKEN", "GITHUB_TOKEN", "API_KEY", "SHA", "LD_PRELOAD"));
        Assert.That(plan.Notes, Has.Some.Contains("API_KEY is not passed (it refers to a secret"));
        Assert.That(plan.Notes, Has.Some.Contains("SHA is not passed (it uses ${{ github.sha }}"));
        Assert.That(plan.Notes, Has.Some.Contains("'Run npm run build' is not an install step"));
        Assert.That(plan.Setup.Select(s => string.Join(' ', s.Arguments)), Is.EqualTo(new[] { "npm install --no-audit" }));
        Assert.That(plan.Setup[0].Environment.Keys, Has.None.AnyOf("NPM_TOKEN", "GITHUB_TOKEN"));
        Assert.That(plan.Step, Does.Contain("step 6 'Run tests' of job 'Node.js 20 on ubuntu-latest'"));
    }

    [Test]
    public void Should_leave_a_matrix_key_the_combination_lacks_empty_as_github_does()
    {
        var plan = Planned("node-library.yml", Job("node-library.yml", "Node.js 22 on ubuntu-latest", step: "Run tests"), Machine with { Node = ["20.20.2", "22.12.0"] });

        Assert.That(plan.Environment.Single(p => p.Key == "COVERAGE").Value, Is.Empty);
    }

    [Test]
    public void Should_answer_toolchain_missing_when_the_matrix_asks_for_a_node_the_machine_lacks()
    {
        var result = ReproductionPlanner.Plan(Workflow("node-library.yml"), Job("node-library.yml", "Node.js 18 on ubuntu-latest", 6), Machine);

        Assert.That(result.Status, Is.EqualTo(PlanningStatus.Unsupported));
        Assert.That(result.Reason, Does.StartWith("toolchain missing: node 18 (installed: 20.20.2)"));
    }

    [Test]
    public void Should_resolve_matrix_values_in_the_script_and_note_other_actions()
    {
        var plan = Planned("node-library.yml", Job("node-library.yml", "unit (20.x, 2)", 6));

        Assert.That(plan.Script, Is.EqualTo("pnpm vitest run --shard=2/2"));
        Assert.That(plan.Shell, Is.EqualTo(new[] { "bash", "--noprofile", "--norc", "-eo", "pipefail" }));
        Assert.That(plan.Setup.Single().Arguments, Is.EqualTo(new[] { "pnpm", "install", "--frozen-lockfile" }));
        Assert.That(plan.Notes, Has.Some.Contains("action 'pnpm/action-setup@v4' before the step is not run here"));
    }

    [Test]
    public void Should_refuse_an_action_as_the_failed_step()
    {
        var result = ReproductionPlanner.Plan(Workflow("node-library.yml"), Job("node-library.yml", "unit (20.x, 1)", step: "Upload coverage"), Machine);

        Assert.That(result.Status, Is.EqualTo(PlanningStatus.Unsupported));
        Assert.That(result.Reason, Does.Contain("runs the action 'codecov/codecov-action@v4'"));
    }

    [Test]
    public void Should_answer_toolchain_missing_when_setup_dotnet_asks_for_an_sdk_the_machine_lacks()
    {
        var result = ReproductionPlanner.Plan(Workflow("dotnet-library.yml"), Job("dotnet-library.yml", "build", step: "Test"), Machine);

        Assert.That(result.Status, Is.EqualTo(PlanningStatus.Unsupported));
        Assert.That(result.Reason, Does.StartWith("toolchain missing: dotnet 8.0.x (installed: 10.0.401)"));
    }

    [Test]
    public void Should_plan_a_dotnet_step_in_the_jobs_default_working_directory_with_its_variables()
    {
        var withEight = Machine with { Dotnet = ["8.0.404", "10.0.401"] };

        var plan = Planned("dotnet-library.yml", Job("dotnet-library.yml", "build", 5, command: "dotnet test --no-build -c Release --logger \"console;verbosity=normal\""), withEight);

        Assert.That(plan.WorkingDirectory, Is.EqualTo("src"));
        Assert.That(plan.Shell, Is.EqualTo(new[] { "bash", "-e" }), "no shell given: GitHub's default for Linux");
        var environment = plan.Environment.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(environment["DOTNET_ROLL_FORWARD"], Is.EqualTo("Major"));
        Assert.That(environment["DOTNET_NOLOGO"], Is.EqualTo("true"));
        Assert.That(environment.Keys, Has.No.Member("NUGET_PACKAGES"), "the sandbox's own cache variable");
        Assert.That(plan.Setup.Single().Arguments, Is.EqualTo(new[] { "dotnet", "restore" }));
        Assert.That(plan.Setup.Single().WorkingDirectory, Is.EqualTo("src"));
    }

    [Test]
    public void Should_read_github_workspace_as_the_repository_root()
    {
        var plan = Planned("dotnet-library.yml", Job("dotnet-library.yml", "build (net10)", 5));

        Assert.That(plan.Script, Is.EqualTo("dotnet test Library.sln -c Release"));
        Assert.That(plan.WorkingDirectory, Is.Empty);
        Assert.That(plan.Setup.Single().Arguments, Is.EqualTo(new[] { "dotnet", "restore", "Library.sln" }));
    }

    [Test]
    public void Should_refuse_a_script_that_uses_a_secret()
    {
        var result = ReproductionPlanner.Plan(Workflow("dotnet-library.yml"), Job("dotnet-library.yml", "build (net10)", step: "Publish"), Machine);

        Assert.That(result.Status, Is.EqualTo(PlanningStatus.Unsupported));
        Assert.That(result.Reason, Does.Contain("its script uses a secret, which Agentic never resolves"));
        Assert.That(result.Reason, Does.Not.Contain("NUGET_API_KEY"), "a secret's name is not repeated either");
    }

    [Test]
    public void Should_use_sh_from_the_workflow_defaults_and_keep_path_for_the_sandbox()
    {
        var plan = Planned("python-tools.yml", Job("python-tools.yml", "pytest", step: "Pytest"));

        Assert.That(plan.Shell, Is.EqualTo(new[] { "sh", "-e" }));
        Assert.That(plan.Environment.Select(p => p.Key), Does.Contain("PYTHONDONTWRITEBYTECODE").And.No.Member("PATH"));
        Assert.That(plan.Setup.Select(s => string.Join(' ', s.Arguments)), Is.EqualTo(new[] { "python -m pip install --upgrade pip", "pip install -e .[test]" }));
        Assert.That(plan.Notes, Has.Some.Contains("'Show environment' is not an install step"));
    }

    [TestCase("Windows-style check", "shell pwsh is not installed here")]
    [TestCase("Exotic shell", "shell 'perl {0}' is not supported")]
    public void Should_refuse_a_shell_the_machine_cannot_run(string step, string reason)
    {
        var result = ReproductionPlanner.Plan(Workflow("python-tools.yml"), Job("python-tools.yml", "pytest", step: step), Machine);

        Assert.That(result.Status, Is.EqualTo(PlanningStatus.Unsupported));
        Assert.That(result.Reason, Does.Contain(reason));
    }

    [Test]
    public void Should_run_a_custom_bash_line_with_plain_flags()
    {
        var plan = Planned("python-tools.yml", Job("python-tools.yml", "pytest", step: "Custom shell"));

        Assert.That(plan.Shell, Is.EqualTo(new[] { "bash", "-l" }));
    }

    [Test]
    public void Should_answer_not_found_when_the_job_is_not_in_the_workflow()
    {
        var result = ReproductionPlanner.Plan(Workflow("python-tools.yml"), Job("python-tools.yml", "docs"), Machine);

        Assert.That(result.Status, Is.EqualTo(PlanningStatus.NotFound));
    }

    [TestCase("npm ci", true)]
    [TestCase("npm ci --ignore-scripts\nnpm install --no-save left-pad", true)]
    [TestCase("yarn install --immutable", true)]
    [TestCase("yarn", true)]
    [TestCase("corepack enable\nyarn install --immutable", true)]
    [TestCase("corepack enable", false)]
    [TestCase("npm ci && npm run build", false)]
    [TestCase("curl https://example.invalid/install.sh | sh", false)]
    [TestCase("npm run build", false)]
    [TestCase("pip install $(cat reqs)", false)]
    public void Should_take_only_plain_install_commands_as_setup(string run, bool install)
    {
        Assert.That(ReproductionPlanner.InstallCommands(run) is not null, Is.EqualTo(install));
    }

    [Test]
    public void Should_leave_corepack_enable_out_of_an_install_step_since_setup_provides_corepack_yarn() =>
        Assert.That(ReproductionPlanner.InstallCommands("corepack enable\nyarn install --immutable"), Is.EqualTo(new[] { new[] { "yarn", "install", "--immutable" } }));

    [TestCase("18", "18.20.1", true)]
    [TestCase("18.x", "20.1.0", false)]
    [TestCase("20", "20.20.2", true)]
    [TestCase("lts/*", "20.20.2", true)]
    [TestCase(">=18", "20.20.2", true)]
    [TestCase("8.0.x", "10.0.401", false)]
    [TestCase("10.0.x", "10.0.401", true)]
    [TestCase("3.12", "3.11.7", false)]
    public void Should_judge_a_requested_toolchain_version_against_the_installed_one(string requested, string installed, bool satisfied)
    {
        Assert.That(InstalledToolchains.Satisfies(requested, [installed]), Is.EqualTo(satisfied));
    }

    [Test]
    public void Should_read_the_versions_the_tools_print()
    {
        Assert.That(ToolchainProbe.Versions("8.0.404 [/usr/share/dotnet/sdk]\n10.0.401 [/usr/share/dotnet/sdk]\n"), Is.EqualTo(new[] { "8.0.404", "10.0.401" }));
        Assert.That(ToolchainProbe.Versions("v20.20.2\n"), Is.EqualTo(new[] { "20.20.2" }));
        Assert.That(ToolchainProbe.Versions("Python 3.11.7\n"), Is.EqualTo(new[] { "3.11.7" }));
    }
}
