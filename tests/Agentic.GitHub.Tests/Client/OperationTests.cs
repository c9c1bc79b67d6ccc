using System.Net;
using Agentic.GitHub.Models;
using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.GitHub.Tests.Client;

/// <summary>Each call of the client against the stand-in: what it sends is what GitHub's API takes, what it reads round-trips.</summary>
public sealed class OperationTests
{
    private const string Owner = GitHubHarness.Owner;
    private const string Repo = GitHubHarness.Repo;

    [Test]
    public async Task Should_open_a_pull_request_and_review_it_inline_when_a_fix_branch_exists()
    {
        await using var github = await GitHubHarness.StartAsync();
        var fix = await github.Repository.CommitFilesAsync("agentic/fix", new Dictionary<string, string?> { ["src/Program.cs"] = "Console.WriteLine(\"Fixed\");\n" }, "Fix the build", CancellationToken.None);

        var pull = await github.Client.CreatePullRequestAsync(Owner, Repo, new NewPullRequest { Title = "Fix the build", Head = "agentic/fix", Base = "main", Body = "Made by Agentic." }, CancellationToken.None);
        var review = await github.Client.CreateReviewAsync(Owner, Repo, pull.Number, new NewPullRequestReview
        {
            Event = ReviewEvent.Comment,
            Body = "One remark.",
            Comments = [new DraftReviewComment { Path = "src/Program.cs", Line = 1, Body = "Consider a logger." }],
        }, CancellationToken.None);
        var duplicate = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.CreatePullRequestAsync(Owner, Repo, new NewPullRequest { Title = "Again", Head = "agentic/fix", Base = "main" }, CancellationToken.None));

        Assert.That(pull.Head.Sha, Is.EqualTo(fix));
        Assert.That(pull.Head.Ref, Is.EqualTo("agentic/fix"));
        Assert.That(pull.User!.Login, Is.EqualTo("agentic[bot]"));
        Assert.That(pull.State, Is.EqualTo("open"));
        Assert.That(review.State, Is.EqualTo("COMMENTED"));
        Assert.That(review.CommitId, Is.EqualTo(fix));
        Assert.That(github.Repository.Reviews.Single().Comments.Single(), Has.Property(nameof(StandInReviewComment.Line)).EqualTo(1).And.Property(nameof(StandInReviewComment.Path)).EqualTo("src/Program.cs"));
        Assert.That(duplicate!.Errors.Single(), Does.Contain("A pull request already exists"));
    }

    [Test]
    public async Task Should_reject_an_inline_comment_when_its_path_is_not_in_the_commit()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("main-copy");
        await github.Repository.CommitFilesAsync("main-copy", new Dictionary<string, string?> { ["x.txt"] = "x" }, "x", CancellationToken.None);

        var error = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.CreateReviewAsync(Owner, Repo, pull.Number, new NewPullRequestReview
        {
            Event = ReviewEvent.RequestChanges,
            Body = "No.",
            Comments = [new DraftReviewComment { Path = "nowhere.cs", Line = 3, Body = "?" }],
        }, CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(error.Errors, Is.EqualTo(new List<string> { "Path could not be resolved" }));
    }

    [Test]
    public async Task Should_create_and_complete_a_check_run_with_annotations_when_the_app_reports()
    {
        await using var github = await GitHubHarness.StartAsync();
        var sha = github.Repository.ReadRef("main")!;

        var created = await github.Client.CreateCheckRunAsync(Owner, Repo, new NewCheckRun { Name = "agentic", HeadSha = sha, Status = CheckRunStatus.InProgress, ExternalId = "wf-1" }, CancellationToken.None);
        var completed = await github.Client.UpdateCheckRunAsync(Owner, Repo, created.Id, new CheckRunUpdate
        {
            Conclusion = CheckRunConclusion.Failure,
            Output = new NewCheckRunOutput
            {
                Title = "1 error",
                Summary = "The build fails.",
                Annotations = [new NewCheckRunAnnotation { Path = "src/Program.cs", StartLine = 1, EndLine = 1, AnnotationLevel = "failure", Message = "CS1002: ; expected" }],
            },
        }, CancellationToken.None);
        var annotations = await github.Client.ListCheckRunAnnotationsAsync(Owner, Repo, created.Id).ToListAsync();
        var read = await github.Client.GetCheckRunAsync(Owner, Repo, created.Id, CancellationToken.None);

        Assert.That(created.Status, Is.EqualTo("in_progress"));
        Assert.That(created.App!.Slug, Is.EqualTo("agentic"));
        Assert.That(completed.Status, Is.EqualTo("completed"));
        Assert.That(completed.Conclusion, Is.EqualTo("failure"));
        Assert.That(completed.Output.AnnotationsCount, Is.EqualTo(1));
        Assert.That(annotations.Single().Message, Is.EqualTo("CS1002: ; expected"));
        Assert.That(read.ExternalId, Is.EqualTo("wf-1"));
        Assert.That(read.CompletedAt, Is.EqualTo(github.Clock.GetUtcNow()).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task Should_trace_a_failed_check_run_to_its_workflow_job_and_rerun_it()
    {
        await using var github = await GitHubHarness.StartAsync();
        var sha = github.Repository.ReadRef("main")!;
        var pull = github.Repository.AddPullRequest("feature", headSha: sha);
        github.Repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = sha,
            HeadBranch = "feature",
            Jobs =
            [
                new JobSeed { Name = "build", Conclusion = "failure", Log = "boom", Annotations = [new StandInAnnotation { Path = "src/Program.cs", StartLine = 1, EndLine = 1, Message = "CS1002" }] },
                new JobSeed { Name = "test", Conclusion = "success" },
            ],
        });

        var failed = await github.Client.ListCheckRunsForRefAsync(Owner, Repo, sha).Where(r => r.Conclusion == "failure").SingleAsync();
        var runs = await github.Client.ListWorkflowRunsForCheckSuiteAsync(Owner, Repo, failed.CheckSuite!.Id).ToListAsync();
        var job = await github.Client.GetJobAsync(Owner, Repo, failed.Id, CancellationToken.None);
        var run = await github.Client.GetWorkflowRunAsync(Owner, Repo, job.RunId, CancellationToken.None);
        await github.Client.RerunJobAsync(Owner, Repo, job.Id, cancellationToken: CancellationToken.None);
        var rerun = await github.Client.GetJobAsync(Owner, Repo, job.Id, CancellationToken.None);

        Assert.That(failed.Name, Is.EqualTo("build"));
        Assert.That(failed.App!.Slug, Is.EqualTo("github-actions"));
        Assert.That(failed.PullRequests.Single().Number, Is.EqualTo(pull.Number));
        Assert.That(runs.Single().Id, Is.EqualTo(run.Id));
        Assert.That(run.Conclusion, Is.EqualTo("failure"));
        Assert.That(job.HeadSha, Is.EqualTo(sha));
        Assert.That(rerun.Status, Is.EqualTo("queued"));
        Assert.That(rerun.Conclusion, Is.Null);
        Assert.That(github.Repository.WorkflowRuns.Single().Jobs[0].Reruns, Is.EqualTo(1));
    }

    [Test]
    public async Task Should_create_move_and_delete_a_branch_when_managing_references()
    {
        await using var github = await GitHubHarness.StartAsync();
        var main = github.Repository.ReadRef("main")!;
        var next = await github.Repository.CommitFilesAsync("next", new Dictionary<string, string?> { ["a.txt"] = "a" }, "a", CancellationToken.None);

        var created = await github.Client.CreateReferenceAsync(Owner, Repo, "refs/heads/agentic/fix-1", main, CancellationToken.None);
        var moved = await github.Client.UpdateReferenceAsync(Owner, Repo, "heads/agentic/fix-1", next, force: false, CancellationToken.None);
        var notFastForward = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.UpdateReferenceAsync(Owner, Repo, "heads/agentic/fix-1", main, force: false, CancellationToken.None));
        var forced = await github.Client.UpdateReferenceAsync(Owner, Repo, "heads/agentic/fix-1", main, force: true, CancellationToken.None);
        var read = await github.Client.GetReferenceAsync(Owner, Repo, "refs/heads/agentic/fix-1", CancellationToken.None);
        await github.Client.DeleteReferenceAsync(Owner, Repo, "heads/agentic/fix-1", CancellationToken.None);
        var gone = await github.Client.GetReferenceAsync(Owner, Repo, "heads/agentic/fix-1", CancellationToken.None);

        Assert.That(created.Ref, Is.EqualTo("refs/heads/agentic/fix-1"));
        Assert.That(created.Target, Has.Property(nameof(GitHubGitObject.Sha)).EqualTo(main).And.Property(nameof(GitHubGitObject.Type)).EqualTo("commit"));
        Assert.That(moved.Target.Sha, Is.EqualTo(next));
        Assert.That(notFastForward!.GitHubMessage, Is.EqualTo("Update is not a fast forward"));
        Assert.That(forced.Target.Sha, Is.EqualTo(main));
        Assert.That(read!.Target.Sha, Is.EqualTo(main));
        Assert.That(gone, Is.Null);
        Assert.That(github.Repository.ReadRef("agentic/fix-1"), Is.Null);
    }

    [Test]
    public async Task Should_decode_a_files_content_when_reading_it_at_a_ref()
    {
        await using var github = await GitHubHarness.StartAsync();
        var text = string.Concat(Enumerable.Repeat("A line long enough to wrap GitHub's base64 lines.\n", 8)) + "ünïcödé ✓\n";
        await github.Repository.CommitFilesAsync("docs", new Dictionary<string, string?> { ["docs/guide.md"] = text }, "docs", CancellationToken.None);

        var file = await github.Client.GetFileContentAsync(Owner, Repo, "docs/guide.md", "docs", CancellationToken.None);
        var onMain = await github.Client.GetFileContentAsync(Owner, Repo, "docs/guide.md", null, CancellationToken.None);
        var readme = await github.Client.GetFileContentAsync(Owner, Repo, "README.md", null, CancellationToken.None);

        Assert.That(file!.GetText(), Is.EqualTo(text));
        Assert.That(file.Content, Does.Contain("\n"), "GitHub wraps base64 in lines");
        Assert.That(file.Encoding, Is.EqualTo("base64"));
        Assert.That(file.Size, Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(text)));
        Assert.That(file.Path, Is.EqualTo("docs/guide.md"));
        Assert.That(onMain, Is.Null);
        Assert.That(readme!.GetText(), Is.EqualTo("# Hello World\n"));
        Assert.ThrowsAsync<InvalidOperationException>(() => github.Client.GetFileContentAsync(Owner, Repo, "src", null, CancellationToken.None));
    }
}
