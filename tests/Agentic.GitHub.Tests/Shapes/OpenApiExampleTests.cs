using System.Text.Json;
using Agentic.GitHub.Models;
using Agentic.GitHub.Tests.Infrastructure;

namespace Agentic.GitHub.Tests.Shapes;

/// <summary>The client's models read GitHub's own response examples (from its OpenAPI description) field for field.</summary>
public sealed class OpenApiExampleTests
{
    private static readonly GitHubJsonContext Json = GitHubJsonContext.Default;

    [Test]
    public void Should_read_pull_requests_when_given_githubs_list_and_get_examples()
    {
        var listed = Parse("pulls/list", Json.IReadOnlyListGitHubPullRequest, out var listRaw).Single();
        var single = Parse("pulls/get", Json.GitHubPullRequest, out var raw);
        var created = Parse("pulls/create", Json.GitHubPullRequest, out _, "201");

        Assert.That(listed.Number, Is.EqualTo(listRaw[0].GetProperty("number").GetInt32()));
        Assert.That(listed.Head.Sha, Is.EqualTo(listRaw[0].GetProperty("head").GetProperty("sha").GetString()));
        Assert.That(single.Number, Is.EqualTo(raw.GetProperty("number").GetInt32()));
        Assert.That(single.State, Is.EqualTo(raw.GetProperty("state").GetString()));
        Assert.That(single.Title, Is.EqualTo(raw.GetProperty("title").GetString()));
        Assert.That(single.User!.Login, Is.EqualTo(raw.GetProperty("user").GetProperty("login").GetString()));
        Assert.That(single.Head.Ref, Is.EqualTo(raw.GetProperty("head").GetProperty("ref").GetString()));
        Assert.That(single.Head.Repo!.FullName, Is.EqualTo(raw.GetProperty("head").GetProperty("repo").GetProperty("full_name").GetString()));
        Assert.That(single.Base.Ref, Is.EqualTo(raw.GetProperty("base").GetProperty("ref").GetString()));
        Assert.That(single.Labels.Single().Name, Is.EqualTo(raw.GetProperty("labels")[0].GetProperty("name").GetString()));
        Assert.That(single.Merged, Is.EqualTo(raw.GetProperty("merged").GetBoolean()));
        Assert.That(single.MergeCommitSha, Is.EqualTo(raw.GetProperty("merge_commit_sha").GetString()));
        Assert.That(single.CreatedAt, Is.EqualTo(raw.GetProperty("created_at").GetDateTimeOffset()));
        Assert.That(single.ChangedFiles, Is.EqualTo(raw.GetProperty("changed_files").GetInt32()));
        Assert.That(created.Id, Is.EqualTo(single.Id));
    }

    [Test]
    public void Should_read_a_review_when_given_githubs_create_review_example()
    {
        var review = Parse("pulls/create-review", Json.GitHubPullRequestReview, out var raw);

        Assert.That(review.Id, Is.EqualTo(raw.GetProperty("id").GetInt64()));
        Assert.That(review.State, Is.EqualTo(raw.GetProperty("state").GetString()));
        Assert.That(review.CommitId, Is.EqualTo(raw.GetProperty("commit_id").GetString()));
        Assert.That(review.Body, Is.EqualTo(raw.GetProperty("body").GetString()));
        Assert.That(review.SubmittedAt, Is.EqualTo(raw.GetProperty("submitted_at").GetDateTimeOffset()));
    }

    [Test]
    public void Should_read_check_runs_when_given_githubs_list_get_and_create_examples()
    {
        var page = Parse("checks/list-for-ref", Json.GitHubCheckRunList, out var raw);
        var run = Parse("checks/get", Json.GitHubCheckRun, out var single);
        var completed = Parse("checks/create", Json.GitHubCheckRun, out _, "201", "example-of-completed-conclusion");
        var inProgress = Parse("checks/create", Json.GitHubCheckRun, out _, "201", "example-of-in-progress-conclusion");
        var first = raw.GetProperty("check_runs")[0];

        Assert.That(page.TotalCount, Is.EqualTo(raw.GetProperty("total_count").GetInt32()));
        Assert.That(page.CheckRuns.Single().Id, Is.EqualTo(first.GetProperty("id").GetInt64()));
        Assert.That(page.CheckRuns[0].HeadSha, Is.EqualTo(first.GetProperty("head_sha").GetString()));
        Assert.That(page.CheckRuns[0].Conclusion, Is.EqualTo(first.GetProperty("conclusion").GetString()));
        Assert.That(page.CheckRuns[0].Output.AnnotationsCount, Is.EqualTo(first.GetProperty("output").GetProperty("annotations_count").GetInt32()));
        Assert.That(page.CheckRuns[0].CheckSuite!.Id, Is.EqualTo(first.GetProperty("check_suite").GetProperty("id").GetInt64()));
        Assert.That(page.CheckRuns[0].App!.Slug, Is.EqualTo(first.GetProperty("app").GetProperty("slug").GetString()));
        Assert.That(page.CheckRuns[0].PullRequests.Single().Head.Sha, Is.EqualTo(first.GetProperty("pull_requests")[0].GetProperty("head").GetProperty("sha").GetString()));
        Assert.That(run.Name, Is.EqualTo(single.GetProperty("name").GetString()));
        Assert.That(run.StartedAt, Is.EqualTo(single.GetProperty("started_at").GetDateTimeOffset()));
        Assert.That(completed.Status, Is.EqualTo("completed"));
        Assert.That(completed.Conclusion, Is.Not.Null);
        Assert.That(inProgress.Status, Is.EqualTo("in_progress"));
        Assert.That(inProgress.Conclusion, Is.Null);
    }

    [Test]
    public void Should_read_annotations_when_given_githubs_example()
    {
        var annotation = Parse("checks/list-annotations", Json.IReadOnlyListGitHubCheckAnnotation, out var raw).Single();

        Assert.That(annotation.Path, Is.EqualTo(raw[0].GetProperty("path").GetString()));
        Assert.That(annotation.StartLine, Is.EqualTo(raw[0].GetProperty("start_line").GetInt32()));
        Assert.That(annotation.EndColumn, Is.EqualTo(raw[0].GetProperty("end_column").GetInt32()));
        Assert.That(annotation.AnnotationLevel, Is.EqualTo(raw[0].GetProperty("annotation_level").GetString()));
        Assert.That(annotation.Message, Is.EqualTo(raw[0].GetProperty("message").GetString()));
        Assert.That(annotation.RawDetails, Is.EqualTo(raw[0].GetProperty("raw_details").GetString()));
    }

    [Test]
    public void Should_read_jobs_and_workflow_runs_when_given_githubs_examples()
    {
        var jobs = Parse("actions/list-jobs-for-workflow-run", Json.GitHubJobList, out var raw);
        var runs = Parse("actions/list-workflow-runs-for-repo", Json.GitHubWorkflowRunList, out var runsRaw);
        var job = raw.GetProperty("jobs")[0];
        var run = runsRaw.GetProperty("workflow_runs")[0];

        Assert.That(jobs.TotalCount, Is.EqualTo(raw.GetProperty("total_count").GetInt32()));
        Assert.That(jobs.Jobs.Single().Id, Is.EqualTo(job.GetProperty("id").GetInt64()));
        Assert.That(jobs.Jobs[0].RunId, Is.EqualTo(job.GetProperty("run_id").GetInt64()));
        Assert.That(jobs.Jobs[0].Steps, Has.Count.EqualTo(job.GetProperty("steps").GetArrayLength()));
        Assert.That(jobs.Jobs[0].Steps[^1].Number, Is.EqualTo(job.GetProperty("steps")[job.GetProperty("steps").GetArrayLength() - 1].GetProperty("number").GetInt32()));
        Assert.That(jobs.Jobs[0].Labels, Is.EqualTo(job.GetProperty("labels").EnumerateArray().Select(l => l.GetString())));
        Assert.That(jobs.Jobs[0].WorkflowName, Is.EqualTo(job.GetProperty("workflow_name").GetString()));
        Assert.That(runs.WorkflowRuns.Single().CheckSuiteId, Is.EqualTo(run.GetProperty("check_suite_id").GetInt64()));
        Assert.That(runs.WorkflowRuns[0].HeadSha, Is.EqualTo(run.GetProperty("head_sha").GetString()));
        Assert.That(runs.WorkflowRuns[0].RunAttempt, Is.EqualTo(run.GetProperty("run_attempt").GetInt32()));
    }

    [Test]
    public void Should_read_issue_comments_when_given_githubs_examples()
    {
        var listed = Parse("issues/list-comments", Json.IReadOnlyListGitHubIssueComment, out var raw).Single();
        var created = Parse("issues/create-comment", Json.GitHubIssueComment, out var createdRaw, "201");
        var updated = Parse("issues/update-comment", Json.GitHubIssueComment, out _);

        Assert.That(listed.Id, Is.EqualTo(raw[0].GetProperty("id").GetInt64()));
        Assert.That(listed.Body, Is.EqualTo(raw[0].GetProperty("body").GetString()));
        Assert.That(created.User!.Login, Is.EqualTo(createdRaw.GetProperty("user").GetProperty("login").GetString()));
        Assert.That(created.AuthorAssociation, Is.EqualTo(createdRaw.GetProperty("author_association").GetString()));
        Assert.That(created.IssueUrl, Is.EqualTo(createdRaw.GetProperty("issue_url").GetString()));
        Assert.That(updated.UpdatedAt, Is.EqualTo(createdRaw.GetProperty("updated_at").GetDateTimeOffset()));
    }

    [Test]
    public void Should_read_git_references_when_given_githubs_examples()
    {
        var read = Parse("git/get-ref", Json.GitHubReference, out var raw);
        var created = Parse("git/create-ref", Json.GitHubReference, out _, "201");
        var updated = Parse("git/update-ref", Json.GitHubReference, out _);

        Assert.That(read.Ref, Is.EqualTo(raw.GetProperty("ref").GetString()));
        Assert.That(read.Target.Sha, Is.EqualTo(raw.GetProperty("object").GetProperty("sha").GetString()));
        Assert.That(read.Target.Type, Is.EqualTo(raw.GetProperty("object").GetProperty("type").GetString()));
        Assert.That(created.Target.Sha, Is.EqualTo(read.Target.Sha));
        Assert.That(updated.Ref, Is.EqualTo(read.Ref));
    }

    [Test]
    public void Should_read_file_contents_when_given_githubs_example()
    {
        var file = Parse("repos/get-content", Json.GitHubContent, out var raw, exampleName: "response-if-content-is-a-file");

        Assert.That(file.Type, Is.EqualTo("file"));
        Assert.That(file.Encoding, Is.EqualTo(raw.GetProperty("encoding").GetString()));
        Assert.That(file.Size, Is.EqualTo(raw.GetProperty("size").GetInt64()));
        Assert.That(file.Name, Is.EqualTo(raw.GetProperty("name").GetString()));
        Assert.That(file.Path, Is.EqualTo(raw.GetProperty("path").GetString()));
        Assert.That(file.Sha, Is.EqualTo(raw.GetProperty("sha").GetString()));
        Assert.That(file.Content, Is.EqualTo(raw.GetProperty("content").GetString()));
    }

    [Test]
    public void Should_read_an_installation_token_when_given_githubs_example()
    {
        var token = Parse("apps/create-installation-access-token", Json.GitHubInstallationToken, out var raw, "201");

        Assert.That(token.Token, Is.EqualTo(raw.GetProperty("token").GetString()));
        Assert.That(token.ExpiresAt, Is.EqualTo(raw.GetProperty("expires_at").GetDateTimeOffset()));
        Assert.That(token.RepositorySelection, Is.EqualTo(raw.GetProperty("repository_selection").GetString()));
        Assert.That(token.Permissions!.Keys, Is.EquivalentTo(raw.GetProperty("permissions").EnumerateObject().Select(p => p.Name)));
        Assert.That(token.ToString(), Does.Not.Contain(token.Token));
    }

    [Test]
    public void Should_round_trip_the_request_bodies_when_writing_githubs_field_names()
    {
        var checkRun = JsonSerializer.Serialize(new NewCheckRun
        {
            Name = "agentic",
            HeadSha = "abc",
            Output = new NewCheckRunOutput { Title = "t", Summary = "s", Annotations = [new NewCheckRunAnnotation { Path = "a.cs", StartLine = 1, EndLine = 2, AnnotationLevel = "failure", Message = "m" }] },
        }, Json.NewCheckRun);
        var review = JsonSerializer.Serialize(new NewPullRequestReview { CommitId = "abc", Event = ReviewEvent.Comment, Comments = [new DraftReviewComment { Path = "a.cs", Body = "b", Line = 3, StartLine = 1 }] }, Json.NewPullRequestReview);

        Assert.That(checkRun, Is.EqualTo("""{"name":"agentic","head_sha":"abc","output":{"title":"t","summary":"s","annotations":[{"path":"a.cs","start_line":1,"end_line":2,"annotation_level":"failure","message":"m"}]}}"""));
        Assert.That(review, Is.EqualTo("""{"commit_id":"abc","event":"COMMENT","comments":[{"path":"a.cs","body":"b","line":3,"start_line":1}]}"""));
    }

    private static T Parse<T>(string operationId, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out JsonElement raw, string status = "200", string? exampleName = null)
    {
        var json = OpenApiExamples.Response(operationId, status, exampleName);
        raw = JsonElement.Parse(json);
        return JsonSerializer.Deserialize(json, type) ?? throw new InvalidOperationException($"{operationId}: null");
    }
}
