using System.Text.Json.Nodes;
using Agentic.StandIns.GitHub;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// Reproduce-first end to end, every service a real process: the Executor runs the failed Actions step on the unchanged
/// head before judging any fix. A step that passes here re-runs the job and changes nothing; a step that fails here
/// otherwise than in CI escalates saying our environment differs, with both outputs, and nothing is pushed.
/// </summary>
public sealed class ReproductionEndToEndTests : RealRepositoryTest
{
    private const string Workflow = """
        name: CI
        on: pull_request
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Unit tests
                run: node test/math.test.js
        """;

    private const string Test = "const assert = require('node:assert');\nconst { add } = require('../src/math.js');\nassert.strictEqual(add(1, 1), 2, 'add(1, 1) in math.js');\nconsole.log('math ok');\n";

    private const string CiLog = """
        2026-12-07T10:00:01.0000000Z ##[group]Run node test/math.test.js
        2026-12-07T10:00:01.0000000Z node test/math.test.js
        2026-12-07T10:00:01.0000000Z shell: /usr/bin/bash -e {0}
        2026-12-07T10:00:01.0000000Z ##[endgroup]
        2026-12-07T10:00:02.0000000Z node:assert:90
        2026-12-07T10:00:02.0000000Z AssertionError [ERR_ASSERTION]: add(1, 1) in math.js
        2026-12-07T10:00:02.0000000Z     at Object.<anonymous> (/home/runner/work/math/math/test/math.test.js:3:8)
        2026-12-07T10:00:02.0000000Z ##[error]Process completed with exit code 1.
        """;

    [Test]
    public async Task Should_rerun_the_job_and_change_nothing_when_the_failed_step_passes_on_the_unchanged_head()
    {
        var (repository, job, head) = await ArrangeAsync("flaky", "exports.add = (a, b) => a + b;\n");

        var workflow = await System!.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(5));

        var comment = Report(repository, workflow);
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("rerun"), workflow.Summary);
            Assert.That(workflow.Summary, Does.Contain("passed when Agentic ran it as CI did on the unchanged head"));
            Assert.That(job.Reruns, Is.EqualTo(1), "the failed job was re-run through the API");
            Assert.That(repository.ReadRef("refs/heads/feature"), Is.EqualTo(head), "nothing pushed");
            Assert.That(comment, Does.Contain("job re-run"));
        });
    }

    [Test]
    public async Task Should_escalate_naming_the_environment_and_push_nothing_when_the_step_fails_here_otherwise_than_in_ci()
    {
        // The step fails here, but not on math.js: the test file needs a module our machine lacks.
        var (repository, job, head) = await ArrangeAsync("differs", "exports.add = (a, b) => a - b;\n", test: "require('left-pad-not-installed');\n" + Test);

        var workflow = await System!.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(5));

        var comment = Report(repository, workflow);
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("escalated"), workflow.Summary);
            Assert.That(workflow.Summary, Does.Contain("environment differs from CI's"));
            Assert.That(job.Reruns, Is.Zero);
            Assert.That(repository.ReadRef("refs/heads/feature"), Is.EqualTo(head), "nothing pushed");
            Assert.That(comment, Does.Contain("needs a human").And.Contain("left-pad-not-installed"), "the report shows our output");
        });
    }

    private async Task<(StandInRepository Repository, StandInJob Job, string Head)> ArrangeAsync(string name, string math, string test = Test)
    {
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = Workflow,
            ["package.json"] = "{ \"name\": \"math\", \"version\": \"1.0.0\", \"private\": true }\n",
            ["src/math.js"] = "exports.add = (a, b) => a + b;\n",
            ["test/math.test.js"] = Test,
        };
        var check = await AddFailedCheckAsync(name, files, new Dictionary<string, string?> { ["src/math.js"] = math, ["test/math.test.js"] = test }, "Change add",
            new JobSeed { Name = "test", Conclusion = "failure", Log = CiLog, Steps = ["Set up job", "Run actions/checkout@v4", "Unit tests", "Complete job"], FailedStep = "Unit tests" });

        // The analysis asks the model for a diagnosis (a test failure), the dispatcher for a diff; the Executor reproduces first.
        Llm.Enqueue(new JsonObject { ["root_cause"] = "add subtracts", ["strategy"] = "llm_edit", ["confidence"] = 0.8, ["files"] = new JsonArray("src/math.js") }.ToJsonString());
        Llm.Enqueue("--- a/src/math.js\n+++ b/src/math.js\n@@ -1 +1 @@\n-" + math + "+exports.add = (a, b) => a + b; // fixed\n");
        await StartAndDeliverAsync(check, "reproduction_" + name);
        return (check.Repository, check.Job, check.Head);
    }
}
