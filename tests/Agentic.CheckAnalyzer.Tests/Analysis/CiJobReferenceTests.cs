using Agentic.CheckAnalyzer.Evidence;
using Agentic.CheckAnalyzer.Tests.Infrastructure;
using Agentic.Contracts.Common;
using Agentic.StandIns.GitHub;

namespace Agentic.CheckAnalyzer.Tests.Analysis;

/// <summary>The verdict names the Actions job and failed step, read from the GitHub stand-in's job, run and log.</summary>
public sealed class CiJobReferenceTests
{
    private const string TestCommand = "dotnet test tests/Shop.Tests.xunit --no-build";

    /// <summary>The steps GitHub lists for the job of dotnet-test-xunit.log: unnamed steps are named "Run &lt;first line&gt;".</summary>
    private static readonly string[] UnnamedSteps =
    [
        "Set up job", "Run actions/checkout@v4", "Run actions/setup-dotnet@v4", "Run dotnet restore tests/Shop.Tests.xunit",
        "Run dotnet build tests/Shop.Tests.xunit --no-restore", $"Run {TestCommand}", "Post Run actions/checkout@v4", "Complete job",
    ];

    [Test]
    public async Task Should_name_the_workflow_job_and_failed_step_with_its_command_when_the_check_is_an_actions_job()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.AddFailedJob(Fixture.Read("dotnet-test-xunit.log"), checkName: "build-and-test", steps: UnnamedSteps, failedStep: $"Run {TestCommand}", workflowPath: ".github/workflows/ci.yml@refs/heads/main");

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Job, Is.EqualTo(new CiJobReference
        {
            WorkflowPath = ".github/workflows/ci.yml",
            JobName = "build-and-test",
            FailedStepName = $"Run {TestCommand}",
            FailedStepNumber = 6,
            FailedStepCommand = TestCommand,
        }));
        Assert.That(harness.GitHub.Requests.Select(r => r.PathAndQuery), Has.Some.EndsWith($"/actions/jobs/{request.JobId}").And.Some.Contains("/actions/runs/"));
    }

    [Test]
    public async Task Should_take_the_command_of_the_step_whose_process_failed_when_the_failed_step_has_its_own_name()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        string[] steps = ["Set up job", "Run actions/checkout@v4", "Set up .NET", "Restore", "Build", "Test", "Post Run actions/checkout@v4", "Complete job"];
        var request = harness.AddFailedJob(Fixture.Read("dotnet-test-xunit.log"), checkName: "build-and-test", steps: steps, failedStep: "Test");

        var job = (await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None)).Analyzed!.Job;

        Assert.That(job, Is.EqualTo(new CiJobReference
        {
            WorkflowPath = ".github/workflows/ci.yml",
            JobName = "build-and-test",
            FailedStepName = "Test",
            FailedStepNumber = 6,
            FailedStepCommand = TestCommand,
        }));
    }

    [Test]
    public async Task Should_answer_without_a_job_reference_when_the_workflow_run_cannot_be_read()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.AddFailedJob(Fixture.Read("dotnet-test-xunit.log"), steps: UnnamedSteps, failedStep: $"Run {TestCommand}");
        harness.GitHub.EnqueueFault(new StandInFault { StatusCode = 500, Method = "GET", PathContains = "/actions/runs/" });

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Failed, Is.Null);
        Assert.That(outcome.Analyzed!.Category, Is.EqualTo(FailureCategory.Test));
        Assert.That(outcome.Analyzed.Job, Is.Null);
        Assert.That(harness.GitHub.Requests, Has.Some.Matches<StandInRequest>(r => r.PathAndQuery.Contains("/actions/runs/", StringComparison.Ordinal) && r.Status == 500));
    }

    [Test]
    public async Task Should_answer_without_a_job_reference_when_the_job_cannot_be_read()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.AddFailedJob(Fixture.Read("dotnet-test-xunit.log"));
        harness.GitHub.EnqueueFault(new StandInFault { StatusCode = 404, Method = "GET", PathEndsWith = $"/actions/jobs/{request.JobId}" });

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Failed, Is.Null);
        Assert.That(outcome.Analyzed!.Category, Is.EqualTo(FailureCategory.Test));
        Assert.That(outcome.Analyzed.Job, Is.Null);
        Assert.That(harness.GitHub.LogDownloads, Has.Count.EqualTo(1), "the log was still read");
    }

    [TestCase("../../etc/passwd")]
    [TestCase(".github/workflows/../../secrets.yml")]
    [TestCase("dynamic/github-code-scanning/codeql")]
    [TestCase("/.github/workflows/ci.yml")]
    public async Task Should_answer_without_a_job_reference_when_the_workflow_path_is_not_a_workflow_file(string path)
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.AddFailedJob(Fixture.Read("dotnet-test-xunit.log"), steps: UnnamedSteps, failedStep: $"Run {TestCommand}", workflowPath: path);

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Category, Is.EqualTo(FailureCategory.Test));
        Assert.That(outcome.Analyzed.Job, Is.Null);
    }

    [Test]
    public async Task Should_name_no_job_when_the_check_is_not_an_actions_job()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var check = harness.Repository.AddCheckRun("ci/external", AnalyzerHarness.HeadSha);
        var request = harness.Request(check.Id, jobId: null, checkName: "ci/external");

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Job, Is.Null);
        Assert.That(harness.GitHub.Requests.Select(r => r.PathAndQuery), Has.None.Contains("/actions/"));
    }

    [TestCase(".github/workflows/ci.yml", ".github/workflows/ci.yml")]
    [TestCase(".github/workflows/build.yml@main", ".github/workflows/build.yml")]
    [TestCase(".github/workflows/nested/release.yaml@refs/tags/v1", ".github/workflows/nested/release.yaml")]
    [TestCase(".github/workflows/ci.yml\n", null)]
    [TestCase(".github/workflows/ci.sh", null)]
    [TestCase(".github/workflows//ci.yml", null)]
    [TestCase(".github\\workflows\\ci.yml", null)]
    [TestCase("", null)]
    public void Should_accept_only_a_workflow_file_without_its_ref(string path, string? expected)
    {
        Assert.That(CiJobReferences.WorkflowPath(path), Is.EqualTo(expected));
    }

    [Test]
    public void Should_refuse_a_workflow_path_longer_than_255_characters()
    {
        Assert.That(CiJobReferences.WorkflowPath($".github/workflows/{new string('a', 233)}.yml"), Is.Not.Null);
        Assert.That(CiJobReferences.WorkflowPath($".github/workflows/{new string('a', 234)}.yml"), Is.Null);
    }

    [Test]
    public void Should_cut_names_and_the_command_and_clear_control_characters()
    {
        var reference = CiJobReferences.Validate(new CiJobReference
        {
            WorkflowPath = ".github/workflows/ci.yml",
            JobName = "test\u001b[31m (20.x)\u202e",
            FailedStepName = new string('n', 1000),
            FailedStepNumber = 0,
            FailedStepCommand = "npm test\r\n" + new string('c', 1000),
        });

        Assert.Multiple(() =>
        {
            Assert.That(reference!.JobName, Is.EqualTo("test [31m (20.x)"));
            Assert.That(reference.FailedStepName, Has.Length.EqualTo(CiJobReferences.MaxNameChars));
            Assert.That(reference.FailedStepNumber, Is.Null);
            Assert.That(reference.FailedStepCommand, Has.Length.EqualTo(CiJobReferences.MaxCommandChars).And.StartsWith("npm test  c"));
        });
    }
}
