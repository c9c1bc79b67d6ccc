using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Agentic.StandIns.GitHub;

/// <summary>GitHub's routes, answered from the stand-in's state and its git repositories.</summary>
internal sealed partial class StandInApi
{
    // ---- Apps

    private ApiResponse GetApp(HttpContext http)
    {
        var caller = Caller(http);
        return caller.App is { } app ? ApiResponse.Ok(_shapes.App(app.Id)) : ApiResponse.NotFound();
    }

    private async Task<ApiResponse> CreateInstallationToken(HttpContext http, long installationId)
    {
        var caller = Caller(http);
        server.OnTokenRequest(installationId);
        if (server.FindInstallation(installationId) is not { } installation || installation.App.Id != caller.App?.Id)
        {
            return ApiResponse.NotFound();
        }

        // Optional body: repository_ids narrows the token, permissions lowers it (contents: read refuses pushes).
        HashSet<long>? repositoryIds = null;
        var contentsReadOnly = false;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var (request, error) = await ReadBodyAsync(http);
            if (request is null)
            {
                return error!;
            }

            if (request["repository_ids"] is JsonArray ids)
            {
                repositoryIds = [.. ids.Select(id => id!.GetValue<long>())];
                lock (server.Gate)
                {
                    if (repositoryIds.Any(id => server.FindRepositoryById(id) is not { } found || !installation.Covers(found.Owner, found.Name)))
                    {
                        return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "There is at least one repository that does not exist or is not accessible to the parent installation.");
                    }
                }
            }

            contentsReadOnly = request["permissions"] is JsonObject permissions && Text(permissions, "contents") == "read";
        }

        var (token, expiresAt) = server.IssueInstallationToken(installationId, repositoryIds, contentsReadOnly);
        var body = new JsonObject
        {
            ["token"] = token,
            ["expires_at"] = GitHubShapes.Time(expiresAt),
            ["permissions"] = contentsReadOnly
                ? new JsonObject { ["contents"] = "read", ["metadata"] = "read" }
                : new JsonObject { ["actions"] = "write", ["checks"] = "write", ["contents"] = "write", ["issues"] = "write", ["metadata"] = "read", ["pull_requests"] = "write" },
            ["repository_selection"] = installation.Repositories is null && repositoryIds is null ? "all" : "selected",
        };
        if (repositoryIds is not null)
        {
            lock (server.Gate)
            {
                body["repositories"] = new JsonArray([.. repositoryIds.Select(id => (JsonNode)_shapes.Repository(server.FindRepositoryById(id)!))]);
            }
        }
        else if (installation.Repositories is { } names)
        {
            lock (server.Gate)
            {
                body["repositories"] = new JsonArray([.. names
                    .Select(name => server.FindRepository(installation.Account, name))
                    .Where(repo => repo is not null)
                    .Select(repo => (JsonNode)_shapes.Repository(repo!))]);
            }
        }

        return ApiResponse.Created(body);
    }

    private ApiResponse GetRateLimit(HttpContext http)
    {
        var (limit, used, resetAt) = server.RateLimitOf(Caller(http).Identity);
        var core = new JsonObject { ["limit"] = limit, ["remaining"] = Math.Max(0, limit - used), ["reset"] = resetAt.ToUnixTimeSeconds(), ["used"] = used, ["resource"] = "core" };
        return ApiResponse.Ok(new JsonObject { ["resources"] = new JsonObject { ["core"] = core }, ["rate"] = core.DeepClone() });
    }

    // ---- Repositories and contents

    private ApiResponse GetRepository(HttpContext http, string owner, string repo)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            return ApiResponse.Ok(_shapes.Repository(repository));
        }
    }

    private async Task<ApiResponse> GetContentAsync(HttpContext http, string owner, string repo, string? path)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var cancellationToken = http.RequestAborted;
        var gitRef = Query(http, "ref") ?? repository.DefaultBranch;
        path = (path ?? "").Trim('/');
        if (path.Length > 0 && !gitRef.StartsWith('-'))
        {
            // One git process for the common case (a file at a ref); only a failure asks which part was wrong.
            var entry = await repository.GitAsync(["ls-tree", "-l", $"{gitRef}^{{commit}}", "--", path], cancellationToken);
            var line = entry.OutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (!entry.Succeeded || line is null)
            {
                return await repository.ResolveCommitAsync(gitRef, cancellationToken) is null
                    ? ApiResponse.Error(StatusCodes.Status404NotFound, $"No commit found for the ref {gitRef}")
                    : ApiResponse.NotFound();
            }

            var (type, sha, size, _) = ParseTreeLine(line);
            if (type == "blob")
            {
                var content = await repository.GitAsync(["cat-file", "blob", sha], cancellationToken);
                return ApiResponse.Ok(_shapes.ContentEntry(repository, "file", path, sha, size, gitRef, content.Output));
            }

            if (type != "tree")
            {
                return ApiResponse.NotFound();
            }
        }

        if (await repository.ResolveCommitAsync(gitRef, cancellationToken) is not { } commit)
        {
            return ApiResponse.Error(StatusCodes.Status404NotFound, $"No commit found for the ref {gitRef}");
        }

        var listing = await repository.GitAsync(["ls-tree", "-l", path.Length == 0 ? commit : $"{commit}:{path}"], cancellationToken);
        var items = listing.OutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(ParseTreeLine)
            .Select(item => (JsonNode)_shapes.ContentEntry(repository, item.Type == "tree" ? "dir" : "file", path.Length == 0 ? item.Name : $"{path}/{item.Name}", item.Sha, item.Size, gitRef, null))
            .ToArray();
        return ApiResponse.Ok(new JsonArray(items));
    }

    private static (string Type, string Sha, long Size, string Name) ParseTreeLine(string line)
    {
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        var parts = line[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var size = long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
        return (parts[1], parts[2], size, Path.GetFileName(line[(tab + 1)..]));
    }

    // ---- Pull requests

    private ApiResponse ListPulls(HttpContext http, string owner, string repo)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var state = Query(http, "state") ?? "open";
        var head = Query(http, "head");
        var baseRef = Query(http, "base");
        lock (server.Gate)
        {
            var pulls = repository.PullList
                .Where(p => state == "all" || p.State == state)
                .Where(p => head is null || head == $"{repository.Owner}:{p.HeadRef}" || head == p.HeadRef)
                .Where(p => baseRef is null || p.BaseRef == baseRef)
                .OrderByDescending(p => p.Number)
                .Select(p => (JsonNode)_shapes.PullRequest(repository, p, full: false))
                .ToList();
            return Page(http, pulls);
        }
    }

    private ApiResponse GetPull(HttpContext http, string owner, string repo, int number)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            var pull = repository.PullList.FirstOrDefault(p => p.Number == number);
            return pull is null ? ApiResponse.NotFound() : ApiResponse.Ok(_shapes.PullRequest(repository, pull, full: true));
        }
    }

    private async Task<ApiResponse> CreatePullAsync(HttpContext http, string owner, string repo)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        var title = Text(body!, "title");
        var head = Text(body!, "head");
        var baseRef = Text(body!, "base");
        if (string.IsNullOrWhiteSpace(title))
        {
            return ApiResponse.Invalid("PullRequest", "title", "missing_field");
        }

        if (string.IsNullOrWhiteSpace(head) || string.IsNullOrWhiteSpace(baseRef))
        {
            return ApiResponse.Invalid("PullRequest", string.IsNullOrWhiteSpace(head) ? "head" : "base", "missing_field");
        }

        var colon = head.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!string.Equals(head[..colon], repository.Owner, StringComparison.OrdinalIgnoreCase))
            {
                return ApiResponse.Invalid("PullRequest", "head", "invalid");
            }

            head = head[(colon + 1)..];
        }

        var headSha = repository.ReadRef(head);
        var baseSha = repository.ReadRef(baseRef);
        if (headSha is null)
        {
            return ApiResponse.Invalid("PullRequest", "head", "invalid");
        }

        if (baseSha is null)
        {
            return ApiResponse.Invalid("PullRequest", "base", "invalid");
        }

        if (headSha == baseSha)
        {
            return ApiResponse.Invalid("PullRequest", "head", "custom", $"No commits between {baseRef} and {head}");
        }

        lock (server.Gate)
        {
            if (repository.PullList.Any(p => p.State == "open" && p.HeadRef == head && p.BaseRef == baseRef))
            {
                return ApiResponse.Invalid("PullRequest", "head", "custom", $"A pull request already exists for {repository.Owner}:{head}.");
            }

            var now = server.Now;
            var pull = new StandInPullRequest
            {
                Id = server.NextId(),
                Number = repository.NextNumber(),
                Title = title,
                Body = Text(body!, "body"),
                Draft = Flag(body!, "draft") ?? false,
                User = Caller(http).Login,
                HeadRef = head,
                BaseRef = baseRef,
                CreatedAt = now,
                UpdatedAt = now,
            };
            repository.PullList.Add(pull);
            return ApiResponse.Created(_shapes.PullRequest(repository, pull, full: true));
        }
    }

    private ApiResponse ListReviews(HttpContext http, string owner, string repo, int number)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            if (repository.PullList.All(p => p.Number != number))
            {
                return ApiResponse.NotFound();
            }

            return Page(http, [.. repository.ReviewList.Where(r => r.PullNumber == number).Select(r => (JsonNode)_shapes.Review(repository, r))]);
        }
    }

    private ApiResponse ListReviewComments(HttpContext http, string owner, string repo, int number)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            if (repository.PullList.All(p => p.Number != number))
            {
                return ApiResponse.NotFound();
            }

            return Page(http, [.. repository.ReviewList.Where(r => r.PullNumber == number)
                .SelectMany(r => r.Comments.Select(c => (JsonNode)_shapes.ReviewComment(repository, r, c)))]);
        }
    }

    private async Task<ApiResponse> CreateReviewAsync(HttpContext http, string owner, string repo, int number)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        StandInPullRequest? pull;
        string headSha;
        lock (server.Gate)
        {
            pull = repository.PullList.FirstOrDefault(p => p.Number == number);
            headSha = pull is null ? "" : GitHubShapes.HeadSha(repository, pull);
        }

        if (pull is null)
        {
            return ApiResponse.NotFound();
        }

        var reviewEvent = Text(body!, "event");
        var state = reviewEvent switch
        {
            null => "PENDING",
            "APPROVE" => "APPROVED",
            "REQUEST_CHANGES" => "CHANGES_REQUESTED",
            "COMMENT" => "COMMENTED",
            _ => null,
        };
        if (state is null)
        {
            return Unprocessable($"Unexpected event {reviewEvent}");
        }

        var text = Text(body!, "body") ?? "";
        var comments = body!["comments"] as JsonArray ?? [];
        if (reviewEvent is "REQUEST_CHANGES" or "COMMENT" && text.Length == 0 && comments.Count == 0)
        {
            return Unprocessable($"Review Can not {(reviewEvent == "COMMENT" ? "comment" : "request changes")} on a pull request without a body");
        }

        var commitId = Text(body!, "commit_id") ?? headSha;
        var review = new StandInReview
        {
            Id = server.NextId(),
            PullNumber = number,
            User = Caller(http).Login,
            Body = text,
            State = state,
            CommitId = commitId,
            SubmittedAt = state == "PENDING" ? null : server.Now,
        };
        foreach (var item in comments.OfType<JsonObject>())
        {
            var path = Text(item, "path");
            var commentBody = Text(item, "body");
            var line = Integer(item, "line") ?? Integer(item, "position");
            if (string.IsNullOrEmpty(path) || string.IsNullOrEmpty(commentBody) || line is null)
            {
                return Unprocessable("Unprocessable Entity: each comment needs path, body and line");
            }

            if (await repository.ResolveCommitAsync(commitId, http.RequestAborted) is { } commit
                && !(await repository.GitAsync(["cat-file", "-e", $"{commit}:{path}"], http.RequestAborted)).Succeeded)
            {
                return Unprocessable("Path could not be resolved");
            }

            review.Comments.Add(new StandInReviewComment
            {
                Id = server.NextId(),
                Path = path,
                Line = line,
                StartLine = Integer(item, "start_line"),
                Side = Text(item, "side") ?? "RIGHT",
                Body = commentBody,
            });
        }

        lock (server.Gate)
        {
            repository.ReviewList.Add(review);
            return ApiResponse.Ok(_shapes.Review(repository, review));
        }
    }

    private static ApiResponse Unprocessable(string message) =>
        new(StatusCodes.Status422UnprocessableEntity, new JsonObject
        {
            ["message"] = "Unprocessable Entity",
            ["errors"] = new JsonArray(message),
            ["documentation_url"] = GitHubStandIn.DocumentationUrl,
            ["status"] = "422",
        });

    // ---- Checks

    private async Task<ApiResponse> GetCommitSubresourceAsync(HttpContext http, string owner, string repo, string rest)
    {
        const string suffix = "/check-runs";
        if (!TryRepository(http, owner, repo, out var repository) || !rest.EndsWith(suffix, StringComparison.Ordinal))
        {
            return ApiResponse.NotFound();
        }

        var gitRef = rest[..^suffix.Length];
        var sha = await repository.ResolveCommitAsync(gitRef, http.RequestAborted)
            ?? (gitRef.Length == 40 && gitRef.All(Uri.IsHexDigit) ? gitRef : null);
        if (sha is null)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, $"No commit found for SHA: {gitRef}");
        }

        var checkName = Query(http, "check_name");
        var status = Query(http, "status");
        var latest = Query(http, "filter") != "all";
        lock (server.Gate)
        {
            IEnumerable<StandInCheckRun> runs = repository.CheckRunList
                .Where(r => r.HeadSha == sha)
                .Where(r => checkName is null || r.Name == checkName)
                .Where(r => status is null || r.Status == status);
            if (latest)
            {
                runs = runs.GroupBy(r => (r.Name, r.AppId)).Select(g => g.MaxBy(r => r.Id)!);
            }

            var items = runs.OrderByDescending(r => r.Id).Select(r => (JsonNode)_shapes.CheckRun(repository, r)).ToList();
            return Page(http, items, (page, total) => new JsonObject { ["total_count"] = total, ["check_runs"] = page });
        }
    }

    private ApiResponse GetCheckRun(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            var run = repository.CheckRunList.FirstOrDefault(r => r.Id == id);
            return run is null ? ApiResponse.NotFound() : ApiResponse.Ok(_shapes.CheckRun(repository, run));
        }
    }

    private ApiResponse ListAnnotations(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            var run = repository.CheckRunList.FirstOrDefault(r => r.Id == id);
            return run is null
                ? ApiResponse.NotFound()
                : Page(http, [.. run.Annotations.Select(a => (JsonNode)_shapes.Annotation(repository, run, a))]);
        }
    }

    private async Task<ApiResponse> CreateCheckRunAsync(HttpContext http, string owner, string repo)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        if (Caller(http).Installation is not { } installation)
        {
            return ApiResponse.Error(StatusCodes.Status403Forbidden, "You must authenticate via a GitHub App.");
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        var name = Text(body!, "name");
        var headSha = Text(body!, "head_sha");
        if (string.IsNullOrWhiteSpace(name))
        {
            return ApiResponse.Invalid("CheckRun", "name", "missing_field");
        }

        if (string.IsNullOrWhiteSpace(headSha))
        {
            return ApiResponse.Invalid("CheckRun", "head_sha", "missing_field");
        }

        if (await repository.ResolveCommitAsync(headSha, http.RequestAborted) is null)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, $"No commit found for SHA: {headSha}");
        }

        var now = server.Now;
        var run = new StandInCheckRun
        {
            Id = server.NextId(),
            Name = name,
            HeadSha = headSha,
            Status = "queued",
            AppId = installation.App.Id,
            CheckSuiteId = server.CheckSuiteFor(installation.App.Id, headSha),
        };
        if (Apply(run, body!, now) is { } invalid)
        {
            return invalid;
        }

        lock (server.Gate)
        {
            repository.CheckRunList.Add(run);
            return ApiResponse.Created(_shapes.CheckRun(repository, run));
        }
    }

    private async Task<ApiResponse> UpdateCheckRunAsync(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        lock (server.Gate)
        {
            var run = repository.CheckRunList.FirstOrDefault(r => r.Id == id);
            if (run is null)
            {
                return ApiResponse.NotFound();
            }

            if (Caller(http).Installation?.App.Id != run.AppId)
            {
                return ApiResponse.Error(StatusCodes.Status403Forbidden, "Resource not accessible by integration");
            }

            if (Text(body!, "name") is { Length: > 0 } name)
            {
                run.Name = name;
            }

            return Apply(run, body!, server.Now) ?? ApiResponse.Ok(_shapes.CheckRun(repository, run));
        }
    }

    private static ApiResponse? Apply(StandInCheckRun run, JsonObject body, DateTimeOffset now)
    {
        var status = Text(body, "status");
        var conclusion = Text(body, "conclusion");
        if (status is not null && status is not ("queued" or "in_progress" or "completed" or "waiting" or "requested" or "pending"))
        {
            return ApiResponse.Invalid("CheckRun", "status", "invalid");
        }

        if (conclusion is not null && conclusion is not ("success" or "failure" or "neutral" or "cancelled" or "skipped" or "timed_out" or "action_required"))
        {
            return ApiResponse.Invalid("CheckRun", "conclusion", "invalid");
        }

        if (status == "completed" && conclusion is null && run.Conclusion is null)
        {
            return ApiResponse.Invalid("CheckRun", "conclusion", "missing_field");
        }

        run.ExternalId = Text(body, "external_id") ?? run.ExternalId;
        run.DetailsUrl = Text(body, "details_url") ?? run.DetailsUrl;
        run.StartedAt = Timestamp(body, "started_at") ?? run.StartedAt ?? now;
        if (status is not null)
        {
            run.Status = status;
        }

        if (conclusion is not null)
        {
            run.Conclusion = conclusion;
            run.Status = "completed";
        }

        if (run.Status == "completed")
        {
            run.CompletedAt = Timestamp(body, "completed_at") ?? run.CompletedAt ?? now;
        }

        if (body["output"] is JsonObject output)
        {
            var title = Text(output, "title");
            var summary = Text(output, "summary");
            if (title is null || summary is null)
            {
                return ApiResponse.Invalid("CheckRun", "output", "missing_field", "output needs title and summary");
            }

            run.OutputTitle = title;
            run.OutputSummary = summary;
            run.OutputText = Text(output, "text") ?? run.OutputText;
            var annotations = output["annotations"] as JsonArray ?? [];
            if (annotations.Count > 50)
            {
                return ApiResponse.Invalid("CheckRun", "annotations", "too_long", "Only 50 annotations are allowed per request");
            }

            foreach (var annotation in annotations.OfType<JsonObject>())
            {
                run.Annotations.Add(new StandInAnnotation
                {
                    Path = Text(annotation, "path") ?? "",
                    StartLine = Integer(annotation, "start_line") ?? 1,
                    EndLine = Integer(annotation, "end_line") ?? Integer(annotation, "start_line") ?? 1,
                    StartColumn = Integer(annotation, "start_column"),
                    EndColumn = Integer(annotation, "end_column"),
                    AnnotationLevel = Text(annotation, "annotation_level") ?? "notice",
                    Title = Text(annotation, "title"),
                    Message = Text(annotation, "message") ?? "",
                    RawDetails = Text(annotation, "raw_details"),
                });
            }
        }

        return null;
    }

    // ---- Actions

    private ApiResponse ListWorkflowRuns(HttpContext http, string owner, string repo)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var suite = long.TryParse(Query(http, "check_suite_id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : (long?)null;
        var headSha = Query(http, "head_sha");
        var branch = Query(http, "branch");
        var eventName = Query(http, "event");
        var status = Query(http, "status");
        lock (server.Gate)
        {
            var runs = repository.WorkflowRunList
                .Where(r => suite is null || r.CheckSuiteId == suite)
                .Where(r => headSha is null || r.HeadSha == headSha)
                .Where(r => branch is null || r.HeadBranch == branch)
                .Where(r => eventName is null || r.Event == eventName)
                .Where(r => status is null || r.Status == status || r.Conclusion == status)
                .OrderByDescending(r => r.Id)
                .Select(r => (JsonNode)_shapes.WorkflowRun(repository, r))
                .ToList();
            return Page(http, runs, (page, total) => new JsonObject { ["total_count"] = total, ["workflow_runs"] = page });
        }
    }

    private ApiResponse GetWorkflowRun(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            var run = repository.WorkflowRunList.FirstOrDefault(r => r.Id == id);
            return run is null ? ApiResponse.NotFound() : ApiResponse.Ok(_shapes.WorkflowRun(repository, run));
        }
    }

    private ApiResponse ListJobs(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            var run = repository.WorkflowRunList.FirstOrDefault(r => r.Id == id);
            if (run is null)
            {
                return ApiResponse.NotFound();
            }

            var jobs = run.Jobs.Select(j => (JsonNode)_shapes.Job(repository, run, j)).ToList();
            return Page(http, jobs, (page, total) => new JsonObject { ["total_count"] = total, ["jobs"] = page });
        }
    }

    private static (StandInWorkflowRun Run, StandInJob Job)? FindJob(StandInRepository repository, long id) =>
        repository.WorkflowRunList.SelectMany(r => r.Jobs.Select(j => (Run: r, Job: j))).FirstOrDefault(pair => pair.Job.Id == id) is { Job: not null } found
            ? found
            : null;

    private ApiResponse GetJob(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            return FindJob(repository, id) is { } found ? ApiResponse.Ok(_shapes.Job(repository, found.Run, found.Job)) : ApiResponse.NotFound();
        }
    }

    private ApiResponse DownloadJobLogs(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            if (FindJob(repository, id) is not { Job.Log: not null })
            {
                return ApiResponse.NotFound();
            }
        }

        var expires = (server.Now + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds();
        var location = $"{server.LogsBaseUri.AbsoluteUri}actions-results/job-logs/{id.ToString(CultureInfo.InvariantCulture)}.txt"
            + $"?sp=r&se={expires.ToString(CultureInfo.InvariantCulture)}&sig={server.SignLog(id, expires)}";
        return ApiResponse.Redirect(location);
    }

    private ApiResponse RerunJob(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            if (FindJob(repository, id) is not { } found)
            {
                return ApiResponse.NotFound();
            }

            var (run, job) = found;
            if (job.Status != "completed")
            {
                return ApiResponse.Error(StatusCodes.Status403Forbidden, "This job is already running.");
            }

            job.Status = "queued";
            job.Conclusion = null;
            job.CompletedAt = null;
            job.RunAttempt++;
            job.Reruns++;
            job.CheckRun.Status = "queued";
            job.CheckRun.Conclusion = null;
            job.CheckRun.CompletedAt = null;
            run.RunAttempt++;
            run.Status = "queued";
            run.Conclusion = null;
            run.UpdatedAt = server.Now;
            return ApiResponse.Created(new JsonObject());
        }
    }

    // ---- Issue comments

    private ApiResponse ListComments(HttpContext http, string owner, string repo, int number)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            if (repository.PullList.All(p => p.Number != number))
            {
                return ApiResponse.NotFound();
            }

            return Page(http, [.. repository.CommentList.Where(c => c.IssueNumber == number).OrderBy(c => c.Id).Select(c => (JsonNode)_shapes.IssueComment(repository, c))]);
        }
    }

    private ApiResponse GetComment(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        lock (server.Gate)
        {
            var comment = repository.CommentList.FirstOrDefault(c => c.Id == id);
            return comment is null ? ApiResponse.NotFound() : ApiResponse.Ok(_shapes.IssueComment(repository, comment));
        }
    }

    private async Task<ApiResponse> CreateCommentAsync(HttpContext http, string owner, string repo, int number)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        if (Text(body!, "body") is not { Length: > 0 } text)
        {
            return ApiResponse.Invalid("IssueComment", "body", "missing_field");
        }

        lock (server.Gate)
        {
            if (repository.PullList.All(p => p.Number != number))
            {
                return ApiResponse.NotFound();
            }

            var now = server.Now;
            var comment = new StandInIssueComment { Id = server.NextId(), IssueNumber = number, Body = text, User = Caller(http).Login, CreatedAt = now, UpdatedAt = now };
            repository.CommentList.Add(comment);
            return ApiResponse.Created(_shapes.IssueComment(repository, comment));
        }
    }

    private async Task<ApiResponse> UpdateCommentAsync(HttpContext http, string owner, string repo, long id)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        if (Text(body!, "body") is not { Length: > 0 } text)
        {
            return ApiResponse.Invalid("IssueComment", "body", "missing_field");
        }

        lock (server.Gate)
        {
            var comment = repository.CommentList.FirstOrDefault(c => c.Id == id);
            if (comment is null)
            {
                return ApiResponse.NotFound();
            }

            comment.Body = text;
            comment.UpdatedAt = server.Now;
            return ApiResponse.Ok(_shapes.IssueComment(repository, comment));
        }
    }

    // ---- Git references

    private ApiResponse GetReference(HttpContext http, string owner, string repo, string name)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var full = $"refs/{name.Trim('/')}";
        return repository.ReadRef(full) is { } sha ? ApiResponse.Ok(_shapes.Reference(repository, full, sha)) : ApiResponse.NotFound();
    }

    private async Task<ApiResponse> CreateReferenceAsync(HttpContext http, string owner, string repo)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        var name = Text(body!, "ref");
        var sha = Text(body!, "sha");
        if (name is null || !name.StartsWith("refs/", StringComparison.Ordinal) || name.Count(c => c == '/') < 2)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Reference name must start with 'refs/' and have at least two slashes.");
        }

        if (sha is null || await repository.ResolveCommitAsync(sha, http.RequestAborted) != sha)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Object does not exist");
        }

        if (repository.ReadRef(name) is not null
            || !(await repository.GitAsync(["update-ref", name, sha, new string('0', 40)], http.RequestAborted)).Succeeded)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Reference already exists");
        }

        return ApiResponse.Created(_shapes.Reference(repository, name, sha));
    }

    private async Task<ApiResponse> UpdateReferenceAsync(HttpContext http, string owner, string repo, string name)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var (body, error) = await ReadBodyAsync(http);
        if (error is not null)
        {
            return error;
        }

        var full = $"refs/{name.Trim('/')}";
        var sha = Text(body!, "sha");
        var force = Flag(body!, "force") ?? false;
        if (repository.ReadRef(full) is not { } current)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Reference does not exist");
        }

        if (sha is null || await repository.ResolveCommitAsync(sha, http.RequestAborted) != sha)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Object does not exist");
        }

        if (!force && !(await repository.GitAsync(["merge-base", "--is-ancestor", current, sha], http.RequestAborted)).Succeeded)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Update is not a fast forward");
        }

        if (!(await repository.GitAsync(["update-ref", full, sha, current], http.RequestAborted)).Succeeded)
        {
            return ApiResponse.Error(StatusCodes.Status409Conflict, "Reference update failed");
        }

        return ApiResponse.Ok(_shapes.Reference(repository, full, sha));
    }

    private async Task<ApiResponse> DeleteReferenceAsync(HttpContext http, string owner, string repo, string name)
    {
        if (!TryRepository(http, owner, repo, out var repository))
        {
            return ApiResponse.NotFound();
        }

        var full = $"refs/{name.Trim('/')}";
        if (repository.ReadRef(full) is not { } current
            || !(await repository.GitAsync(["update-ref", "-d", full, current], http.RequestAborted)).Succeeded)
        {
            return ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, "Reference does not exist");
        }

        return ApiResponse.NoContent();
    }
}
