using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Agentic.StandIns.GitHub;

/// <summary>Renders the stand-in's state in GitHub's JSON shapes (field names as in GitHub's OpenAPI description).</summary>
internal sealed class GitHubShapes(GitHubStandIn server)
{
    private const string ZeroSha = "0000000000000000000000000000000000000000";

    private static readonly (string Key, string Suffix)[] RepositoryApiUrls =
    [
        ("archive_url", "/{archive_format}{/ref}"), ("assignees_url", "/assignees{/user}"), ("blobs_url", "/git/blobs{/sha}"),
        ("branches_url", "/branches{/branch}"), ("collaborators_url", "/collaborators{/collaborator}"), ("comments_url", "/comments{/number}"),
        ("commits_url", "/commits{/sha}"), ("compare_url", "/compare/{base}...{head}"), ("contents_url", "/contents/{+path}"),
        ("contributors_url", "/contributors"), ("deployments_url", "/deployments"), ("downloads_url", "/downloads"), ("events_url", "/events"),
        ("forks_url", "/forks"), ("git_commits_url", "/git/commits{/sha}"), ("git_refs_url", "/git/refs{/sha}"), ("git_tags_url", "/git/tags{/sha}"),
        ("issue_comment_url", "/issues/comments{/number}"), ("issue_events_url", "/issues/events{/number}"), ("issues_url", "/issues{/number}"),
        ("keys_url", "/keys{/key_id}"), ("labels_url", "/labels{/name}"), ("languages_url", "/languages"), ("merges_url", "/merges"),
        ("milestones_url", "/milestones{/number}"), ("notifications_url", "/notifications{?since,all,participating}"), ("pulls_url", "/pulls{/number}"),
        ("releases_url", "/releases{/id}"), ("stargazers_url", "/stargazers"), ("statuses_url", "/statuses/{sha}"), ("subscribers_url", "/subscribers"),
        ("subscription_url", "/subscription"), ("tags_url", "/tags"), ("teams_url", "/teams"), ("trees_url", "/git/trees{/sha}"), ("hooks_url", "/hooks"),
    ];

    private string Api => server.BaseUri.AbsoluteUri;

    private string Html => server.BaseUri.AbsoluteUri;

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonNode? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;

    public static string NodeId(string kind, long id) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{kind}{id.ToString(CultureInfo.InvariantCulture)}"));

    public JsonObject User(string login)
    {
        var id = server.UserId(login);
        var url = $"{Api}users/{Uri.EscapeDataString(login)}";
        return new JsonObject
        {
            ["login"] = login,
            ["id"] = id,
            ["node_id"] = NodeId("U_", id),
            ["avatar_url"] = $"{Html}avatars/{Uri.EscapeDataString(login)}",
            ["gravatar_id"] = "",
            ["url"] = url,
            ["html_url"] = $"{Html}{Uri.EscapeDataString(login)}",
            ["followers_url"] = $"{url}/followers",
            ["following_url"] = $"{url}/following{{/other_user}}",
            ["gists_url"] = $"{url}/gists{{/gist_id}}",
            ["starred_url"] = $"{url}/starred{{/owner}}{{/repo}}",
            ["subscriptions_url"] = $"{url}/subscriptions",
            ["organizations_url"] = $"{url}/orgs",
            ["repos_url"] = $"{url}/repos",
            ["events_url"] = $"{url}/events{{/privacy}}",
            ["received_events_url"] = $"{url}/received_events",
            ["type"] = login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User",
            ["site_admin"] = false,
        };
    }

    public string RepoApi(StandInRepository repo) => $"{Api}repos/{repo.Owner}/{repo.Name}";

    public JsonObject Repository(StandInRepository repo)
    {
        var api = RepoApi(repo);
        var html = $"{Html}{repo.Owner}/{repo.Name}";
        var json = new JsonObject
        {
            ["id"] = repo.Id,
            ["node_id"] = NodeId("R_", repo.Id),
            ["name"] = repo.Name,
            ["full_name"] = repo.FullName,
            ["owner"] = User(repo.Owner),
            ["private"] = repo.Private,
            ["html_url"] = html,
            ["description"] = null,
            ["fork"] = false,
            ["url"] = api,
        };
        foreach (var (key, suffix) in RepositoryApiUrls)
        {
            json[key] = api + suffix;
        }

        json["git_url"] = $"git://{server.BaseUri.Authority}/{repo.FullName}.git";
        json["ssh_url"] = $"git@{server.BaseUri.Host}:{repo.FullName}.git";
        json["clone_url"] = repo.CloneUrl.AbsoluteUri;
        json["mirror_url"] = null;
        json["svn_url"] = html;
        json["homepage"] = null;
        json["language"] = null;
        json["forks_count"] = 0;
        json["stargazers_count"] = 0;
        json["watchers_count"] = 0;
        json["size"] = 0;
        json["default_branch"] = repo.DefaultBranch;
        json["open_issues_count"] = repo.PullList.Count(p => p.State == "open");
        json["is_template"] = false;
        json["topics"] = new JsonArray();
        json["has_issues"] = true;
        json["has_projects"] = true;
        json["has_wiki"] = true;
        json["has_pages"] = false;
        json["has_downloads"] = true;
        json["has_discussions"] = false;
        json["archived"] = false;
        json["disabled"] = false;
        json["visibility"] = repo.Private ? "private" : "public";
        json["pushed_at"] = Time(repo.CreatedAt);
        json["created_at"] = Time(repo.CreatedAt);
        json["updated_at"] = Time(repo.CreatedAt);
        json["permissions"] = new JsonObject { ["admin"] = false, ["maintain"] = false, ["push"] = true, ["triage"] = true, ["pull"] = true };
        json["allow_rebase_merge"] = true;
        json["template_repository"] = null;
        json["temp_clone_token"] = "";
        json["allow_squash_merge"] = true;
        json["allow_auto_merge"] = false;
        json["delete_branch_on_merge"] = false;
        json["allow_merge_commit"] = true;
        json["allow_forking"] = true;
        json["subscribers_count"] = 0;
        json["network_count"] = 0;
        json["license"] = null;
        json["forks"] = 0;
        json["open_issues"] = json["open_issues_count"]!.DeepClone();
        json["watchers"] = 0;
        return json;
    }

    public static string HeadSha(StandInRepository repo, StandInPullRequest pull) => repo.ReadRef(pull.HeadRef) ?? pull.HeadSha ?? ZeroSha;

    public JsonObject PullRequest(StandInRepository repo, StandInPullRequest pull, bool full)
    {
        var api = $"{RepoApi(repo)}/pulls/{pull.Number}";
        var html = $"{Html}{repo.FullName}/pull/{pull.Number}";
        var issue = $"{RepoApi(repo)}/issues/{pull.Number}";
        var headSha = HeadSha(repo, pull);
        var statuses = $"{RepoApi(repo)}/statuses/{headSha}";
        var json = new JsonObject
        {
            ["url"] = api,
            ["id"] = pull.Id,
            ["node_id"] = NodeId("PR_", pull.Id),
            ["html_url"] = html,
            ["diff_url"] = $"{html}.diff",
            ["patch_url"] = $"{html}.patch",
            ["issue_url"] = issue,
            ["commits_url"] = $"{api}/commits",
            ["review_comments_url"] = $"{api}/comments",
            ["review_comment_url"] = $"{RepoApi(repo)}/pulls/comments{{/number}}",
            ["comments_url"] = $"{issue}/comments",
            ["statuses_url"] = statuses,
            ["number"] = pull.Number,
            ["state"] = pull.State,
            ["locked"] = pull.Locked,
            ["title"] = pull.Title,
            ["user"] = User(pull.User),
            ["body"] = pull.Body,
            ["labels"] = new JsonArray([.. pull.Labels.Select((name, i) => (JsonNode)new JsonObject
            {
                ["id"] = server.UserId($"label:{name}"),
                ["node_id"] = NodeId("LA_", i),
                ["url"] = $"{RepoApi(repo)}/labels/{Uri.EscapeDataString(name)}",
                ["name"] = name,
                ["description"] = null,
                ["color"] = "ededed",
                ["default"] = false,
            })]),
            ["milestone"] = null,
            ["active_lock_reason"] = null,
            ["created_at"] = Time(pull.CreatedAt),
            ["updated_at"] = Time(pull.UpdatedAt),
            ["closed_at"] = Time(pull.ClosedAt),
            ["merged_at"] = Time(pull.MergedAt),
            ["merge_commit_sha"] = null,
            ["assignee"] = null,
            ["assignees"] = new JsonArray(),
            ["requested_reviewers"] = new JsonArray(),
            ["requested_teams"] = new JsonArray(),
            ["head"] = Branch(repo, pull.HeadRef, headSha),
            ["base"] = Branch(repo, pull.BaseRef, repo.ReadRef(pull.BaseRef) ?? ZeroSha),
            ["_links"] = new JsonObject
            {
                ["self"] = Href(api),
                ["html"] = Href(html),
                ["issue"] = Href(issue),
                ["comments"] = Href($"{issue}/comments"),
                ["review_comments"] = Href($"{api}/comments"),
                ["review_comment"] = Href($"{RepoApi(repo)}/pulls/comments{{/number}}"),
                ["commits"] = Href($"{api}/commits"),
                ["statuses"] = Href(statuses),
            },
            ["author_association"] = Association(repo, pull.User),
            ["auto_merge"] = null,
            ["draft"] = pull.Draft,
        };
        if (full)
        {
            json["merged"] = pull.MergedAt is not null;
            json["mergeable"] = pull.State == "open" ? true : null;
            json["rebaseable"] = pull.State == "open" ? true : null;
            json["mergeable_state"] = pull.State == "open" ? "clean" : "unknown";
            json["merged_by"] = null;
            json["comments"] = repo.CommentList.Count(c => c.IssueNumber == pull.Number);
            json["review_comments"] = repo.ReviewList.Where(r => r.PullNumber == pull.Number).Sum(r => r.Comments.Count);
            json["maintainer_can_modify"] = false;
            json["commits"] = 1;
            json["additions"] = 0;
            json["deletions"] = 0;
            json["changed_files"] = 0;
        }

        return json;
    }

    public JsonObject CheckRun(StandInRepository repo, StandInCheckRun run)
    {
        var api = $"{RepoApi(repo)}/check-runs/{run.Id}";
        var pulls = repo.PullList
            .Where(p => p.State == "open" && HeadSha(repo, p) == run.HeadSha)
            .Select(p => (JsonNode)new JsonObject
            {
                ["url"] = $"{RepoApi(repo)}/pulls/{p.Number}",
                ["id"] = p.Id,
                ["number"] = p.Number,
                ["head"] = ShortBranch(repo, p.HeadRef, run.HeadSha),
                ["base"] = ShortBranch(repo, p.BaseRef, repo.ReadRef(p.BaseRef) ?? ZeroSha),
            });
        return new JsonObject
        {
            ["id"] = run.Id,
            ["head_sha"] = run.HeadSha,
            ["node_id"] = NodeId("CR_", run.Id),
            ["external_id"] = run.ExternalId ?? "",
            ["url"] = api,
            ["html_url"] = $"{Html}{repo.FullName}/runs/{run.Id}",
            ["details_url"] = run.DetailsUrl ?? $"{Html}{repo.FullName}/runs/{run.Id}",
            ["status"] = run.Status,
            ["conclusion"] = run.Conclusion,
            ["started_at"] = Time(run.StartedAt),
            ["completed_at"] = Time(run.CompletedAt),
            ["output"] = new JsonObject
            {
                ["title"] = run.OutputTitle,
                ["summary"] = run.OutputSummary,
                ["text"] = run.OutputText,
                ["annotations_count"] = run.Annotations.Count,
                ["annotations_url"] = $"{api}/annotations",
            },
            ["name"] = run.Name,
            ["check_suite"] = new JsonObject { ["id"] = run.CheckSuiteId },
            ["app"] = App(run.AppId),
            ["pull_requests"] = new JsonArray([.. pulls]),
        };
    }

    public JsonObject App(long appId)
    {
        var (slug, name) = appId switch
        {
            GitHubStandIn.ActionsAppId => ("github-actions", "GitHub Actions"),
            GitHubStandIn.ExternalCiAppId => ("external-ci", "External CI"),
            _ => server.FindApp(appId) is { } app ? (app.Slug, app.Name) : ("app", "App"),
        };
        return new JsonObject
        {
            ["id"] = appId,
            ["slug"] = slug,
            ["node_id"] = NodeId("A_", appId),
            ["owner"] = User(appId == GitHubStandIn.ActionsAppId ? "github" : "octo-org"),
            ["name"] = name,
            ["description"] = "",
            ["external_url"] = $"{Html}apps/{slug}",
            ["html_url"] = $"{Html}apps/{slug}",
            ["created_at"] = "2018-07-30T09:30:17Z",
            ["updated_at"] = "2024-01-01T00:00:00Z",
            ["permissions"] = new JsonObject { ["actions"] = "write", ["checks"] = "write", ["contents"] = "write", ["metadata"] = "read", ["pull_requests"] = "write" },
            ["events"] = new JsonArray("check_run", "check_suite", "pull_request", "push", "workflow_run"),
        };
    }

    public JsonObject Annotation(StandInRepository repo, StandInCheckRun run, StandInAnnotation annotation) => new()
    {
        ["path"] = annotation.Path,
        ["start_line"] = annotation.StartLine,
        ["end_line"] = annotation.EndLine,
        ["start_column"] = annotation.StartColumn,
        ["end_column"] = annotation.EndColumn,
        ["annotation_level"] = annotation.AnnotationLevel,
        ["title"] = annotation.Title ?? "",
        ["message"] = annotation.Message,
        ["raw_details"] = annotation.RawDetails ?? "",
        ["blob_href"] = $"{Html}{repo.FullName}/blob/{run.HeadSha}/{annotation.Path}",
    };

    public JsonObject WorkflowRun(StandInRepository repo, StandInWorkflowRun run)
    {
        var api = $"{RepoApi(repo)}/actions/runs/{run.Id}";
        var pulls = repo.PullList.Where(p => p.State == "open" && HeadSha(repo, p) == run.HeadSha)
            .Select(p => (JsonNode)new JsonObject
            {
                ["url"] = $"{RepoApi(repo)}/pulls/{p.Number}",
                ["id"] = p.Id,
                ["number"] = p.Number,
                ["head"] = ShortBranch(repo, p.HeadRef, run.HeadSha),
                ["base"] = ShortBranch(repo, p.BaseRef, repo.ReadRef(p.BaseRef) ?? ZeroSha),
            });
        return new JsonObject
        {
            ["id"] = run.Id,
            ["name"] = run.Name,
            ["node_id"] = NodeId("WFR_", run.Id),
            ["check_suite_id"] = run.CheckSuiteId,
            ["check_suite_node_id"] = NodeId("CS_", run.CheckSuiteId),
            ["head_branch"] = run.HeadBranch,
            ["head_sha"] = run.HeadSha,
            ["path"] = run.Path,
            ["run_number"] = run.RunNumber,
            ["event"] = run.Event,
            ["display_title"] = run.Name,
            ["status"] = run.Status,
            ["conclusion"] = run.Conclusion,
            ["workflow_id"] = run.WorkflowId,
            ["url"] = api,
            ["html_url"] = $"{Html}{repo.FullName}/actions/runs/{run.Id}",
            ["pull_requests"] = new JsonArray([.. pulls]),
            ["created_at"] = Time(run.CreatedAt),
            ["updated_at"] = Time(run.UpdatedAt),
            ["actor"] = User(run.Actor),
            ["run_attempt"] = run.RunAttempt,
            ["run_started_at"] = Time(run.CreatedAt),
            ["triggering_actor"] = User(run.Actor),
            ["jobs_url"] = $"{api}/jobs",
            ["logs_url"] = $"{api}/logs",
            ["check_suite_url"] = $"{RepoApi(repo)}/check-suites/{run.CheckSuiteId}",
            ["artifacts_url"] = $"{api}/artifacts",
            ["cancel_url"] = $"{api}/cancel",
            ["rerun_url"] = $"{api}/rerun",
            ["workflow_url"] = $"{RepoApi(repo)}/actions/workflows/{run.WorkflowId}",
            ["head_commit"] = new JsonObject
            {
                ["id"] = run.HeadSha,
                ["tree_id"] = ZeroSha,
                ["message"] = run.Name,
                ["timestamp"] = Time(run.CreatedAt),
                ["author"] = new JsonObject { ["name"] = run.Actor, ["email"] = $"{run.Actor}@users.noreply.github.com" },
                ["committer"] = new JsonObject { ["name"] = "GitHub", ["email"] = "noreply@github.com" },
            },
            ["repository"] = Repository(repo),
            ["head_repository"] = Repository(repo),
        };
    }

    public JsonObject Job(StandInRepository repo, StandInWorkflowRun run, StandInJob job) => new()
    {
        ["id"] = job.Id,
        ["run_id"] = run.Id,
        ["run_url"] = $"{RepoApi(repo)}/actions/runs/{run.Id}",
        ["run_attempt"] = job.RunAttempt,
        ["node_id"] = NodeId("J_", job.Id),
        ["head_sha"] = run.HeadSha,
        ["url"] = $"{RepoApi(repo)}/actions/jobs/{job.Id}",
        ["html_url"] = $"{Html}{repo.FullName}/actions/runs/{run.Id}/job/{job.Id}",
        ["status"] = job.Status,
        ["conclusion"] = job.Conclusion,
        ["created_at"] = Time(run.CreatedAt),
        ["started_at"] = Time(job.StartedAt),
        ["completed_at"] = Time(job.CompletedAt),
        ["name"] = job.Name,
        ["steps"] = new JsonArray([.. job.Steps.Select(step => (JsonNode)new JsonObject
        {
            ["name"] = step.Name,
            ["status"] = step.Status,
            ["conclusion"] = step.Conclusion,
            ["number"] = step.Number,
            ["started_at"] = Time(job.StartedAt),
            ["completed_at"] = Time(job.CompletedAt),
        })]),
        ["check_run_url"] = $"{RepoApi(repo)}/check-runs/{job.Id}",
        ["labels"] = new JsonArray([.. job.Labels.Select(l => (JsonNode)l)]),
        ["runner_id"] = 1,
        ["runner_name"] = "GitHub Actions 1",
        ["runner_group_id"] = 1,
        ["runner_group_name"] = "GitHub Actions",
        ["workflow_name"] = run.Name,
        ["head_branch"] = run.HeadBranch,
    };

    public JsonObject IssueComment(StandInRepository repo, StandInIssueComment comment) => new()
    {
        ["id"] = comment.Id,
        ["node_id"] = NodeId("IC_", comment.Id),
        ["url"] = $"{RepoApi(repo)}/issues/comments/{comment.Id}",
        ["html_url"] = $"{Html}{repo.FullName}/pull/{comment.IssueNumber}#issuecomment-{comment.Id}",
        ["body"] = comment.Body,
        ["user"] = User(comment.User),
        ["created_at"] = Time(comment.CreatedAt),
        ["updated_at"] = Time(comment.UpdatedAt),
        ["issue_url"] = $"{RepoApi(repo)}/issues/{comment.IssueNumber}",
        ["author_association"] = Association(repo, comment.User),
        ["pin"] = null,
        ["minimized"] = null,
    };

    public JsonObject Review(StandInRepository repo, StandInReview review)
    {
        var html = $"{Html}{repo.FullName}/pull/{review.PullNumber}#pullrequestreview-{review.Id}";
        var pull = $"{RepoApi(repo)}/pulls/{review.PullNumber}";
        return new JsonObject
        {
            ["id"] = review.Id,
            ["node_id"] = NodeId("PRR_", review.Id),
            ["user"] = User(review.User),
            ["body"] = review.Body,
            ["state"] = review.State,
            ["html_url"] = html,
            ["pull_request_url"] = pull,
            ["_links"] = new JsonObject { ["html"] = Href(html), ["pull_request"] = Href(pull) },
            ["submitted_at"] = Time(review.SubmittedAt),
            ["commit_id"] = review.CommitId,
            ["author_association"] = Association(repo, review.User),
        };
    }

    public JsonObject ReviewComment(StandInRepository repo, StandInReview review, StandInReviewComment comment) => new()
    {
        ["url"] = $"{RepoApi(repo)}/pulls/comments/{comment.Id}",
        ["pull_request_review_id"] = review.Id,
        ["id"] = comment.Id,
        ["node_id"] = NodeId("PRRC_", comment.Id),
        ["path"] = comment.Path,
        ["commit_id"] = review.CommitId,
        ["original_commit_id"] = review.CommitId,
        ["user"] = User(review.User),
        ["body"] = comment.Body,
        ["created_at"] = Time(review.SubmittedAt),
        ["updated_at"] = Time(review.SubmittedAt),
        ["html_url"] = $"{Html}{repo.FullName}/pull/{review.PullNumber}#discussion_r{comment.Id}",
        ["pull_request_url"] = $"{RepoApi(repo)}/pulls/{review.PullNumber}",
        ["author_association"] = Association(repo, review.User),
        ["start_line"] = comment.StartLine,
        ["line"] = comment.Line,
        ["side"] = comment.Side,
    };

    public JsonObject Reference(StandInRepository repo, string name, string sha) => new()
    {
        ["ref"] = name,
        ["node_id"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"REF_{repo.Id.ToString(CultureInfo.InvariantCulture)}:{name}")),
        ["url"] = $"{RepoApi(repo)}/git/{name}",
        ["object"] = new JsonObject
        {
            ["type"] = "commit",
            ["sha"] = sha,
            ["url"] = $"{RepoApi(repo)}/git/commits/{sha}",
        },
    };

    public JsonObject ContentEntry(StandInRepository repo, string type, string path, string sha, long size, string gitRef, byte[]? content)
    {
        var api = $"{RepoApi(repo)}/contents/{path}?ref={Uri.EscapeDataString(gitRef)}";
        var git = $"{RepoApi(repo)}/git/{(type == "dir" ? "trees" : "blobs")}/{sha}";
        var html = $"{Html}{repo.FullName}/{(type == "dir" ? "tree" : "blob")}/{gitRef}/{path}";
        var json = new JsonObject { ["type"] = type };
        if (content is not null)
        {
            json["encoding"] = "base64";
        }

        json["size"] = size;
        json["name"] = Path.GetFileName(path);
        json["path"] = path;
        if (content is not null)
        {
            json["content"] = Base64Lines(content);
        }

        json["sha"] = sha;
        json["url"] = api;
        json["git_url"] = git;
        json["html_url"] = html;
        json["download_url"] = type == "file" ? $"{Html}{repo.FullName}/raw/{gitRef}/{path}" : null;
        json["_links"] = new JsonObject { ["self"] = api, ["git"] = git, ["html"] = html };
        return json;
    }

    public static JsonObject Error(string message, string? documentationUrl = null, int? status = null, JsonArray? errors = null)
    {
        var json = new JsonObject { ["message"] = message };
        if (errors is not null)
        {
            json["errors"] = errors;
        }

        json["documentation_url"] = documentationUrl ?? GitHubStandIn.DocumentationUrl;
        if (status is { } s)
        {
            json["status"] = s.ToString(CultureInfo.InvariantCulture);
        }

        return json;
    }

    /// <summary>GitHub's contents encoding: base64 in lines of 60 characters, each ending with a newline.</summary>
    public static string Base64Lines(byte[] content)
    {
        var base64 = Convert.ToBase64String(content);
        var builder = new StringBuilder(base64.Length + (base64.Length / 60) + 1);
        for (var i = 0; i < base64.Length; i += 60)
        {
            builder.Append(base64.AsSpan(i, Math.Min(60, base64.Length - i))).Append('\n');
        }

        return builder.ToString();
    }

    private JsonObject Branch(StandInRepository repo, string branch, string sha) => new()
    {
        ["label"] = $"{repo.Owner}:{branch}",
        ["ref"] = branch,
        ["sha"] = sha,
        ["user"] = User(repo.Owner),
        ["repo"] = Repository(repo),
    };

    private JsonObject ShortBranch(StandInRepository repo, string branch, string sha) => new()
    {
        ["ref"] = branch,
        ["sha"] = sha,
        ["repo"] = new JsonObject { ["id"] = repo.Id, ["url"] = RepoApi(repo), ["name"] = repo.Name },
    };

    private static JsonObject Href(string href) => new() { ["href"] = href };

    private static string Association(StandInRepository repo, string login) =>
        string.Equals(login, repo.Owner, StringComparison.OrdinalIgnoreCase) ? "OWNER"
        : login.EndsWith("[bot]", StringComparison.Ordinal) ? "NONE"
        : "CONTRIBUTOR";
}
