using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Agentic.StandIns.GitHub;

/// <summary>
/// A repository of the stand-in: a real bare git repository (served over smart HTTP at <see cref="CloneUrl"/>) plus
/// the API state seeded or created through the API (pull requests, check runs, workflow runs, comments, reviews).
/// </summary>
public sealed class StandInRepository
{
    private readonly GitHubStandIn _server;
    private readonly ConcurrentDictionary<string, byte> _knownCommits = new(StringComparer.Ordinal);
    private readonly List<StandInPullRequest> _pulls = [];
    private readonly List<StandInCheckRun> _checkRuns = [];
    private readonly List<StandInWorkflowRun> _workflowRuns = [];
    private readonly List<StandInIssueComment> _comments = [];
    private readonly List<StandInReview> _reviews = [];
    private int _lastNumber;

    internal StandInRepository(GitHubStandIn server, long id, string owner, string name, bool isPrivate, string defaultBranch, string gitDirectory, DateTimeOffset createdAt)
    {
        _server = server;
        Id = id;
        Owner = owner;
        Name = name;
        Private = isPrivate;
        DefaultBranch = defaultBranch;
        GitDirectory = gitDirectory;
        CreatedAt = createdAt;
    }

    public long Id { get; }

    public string Owner { get; }

    public string Name { get; }

    public string FullName => $"{Owner}/{Name}";

    public bool Private { get; }

    public string DefaultBranch { get; }

    /// <summary>The bare repository on disk.</summary>
    public string GitDirectory { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The smart-HTTP URL to clone and push (Basic auth <c>x-access-token:&lt;token&gt;</c>).</summary>
    public Uri CloneUrl => new(_server.BaseUri, $"{Owner}/{Name}.git");

    public IReadOnlyList<StandInPullRequest> PullRequests => Snapshot(_pulls);

    public IReadOnlyList<StandInCheckRun> CheckRuns => Snapshot(_checkRuns);

    public IReadOnlyList<StandInWorkflowRun> WorkflowRuns => Snapshot(_workflowRuns);

    public IReadOnlyList<StandInIssueComment> IssueComments => Snapshot(_comments);

    public IReadOnlyList<StandInReview> Reviews => Snapshot(_reviews);

    internal List<StandInPullRequest> PullList => _pulls;

    internal List<StandInCheckRun> CheckRunList => _checkRuns;

    internal List<StandInWorkflowRun> WorkflowRunList => _workflowRuns;

    internal List<StandInIssueComment> CommentList => _comments;

    internal List<StandInReview> ReviewList => _reviews;

    // ---- Seeding

    /// <summary>Opens a pull request from <paramref name="headRef"/> into <paramref name="baseRef"/> (default branch by default), numbered <paramref name="number"/> or the next number.</summary>
    public StandInPullRequest AddPullRequest(
        string headRef, string title = "A change", string? baseRef = null, string? body = null, string user = "octocat", string? headSha = null, bool draft = false, int? number = null)
    {
        lock (_server.Gate)
        {
            var now = _server.Now;
            var assigned = number ?? _lastNumber + 1;
            _lastNumber = Math.Max(_lastNumber, assigned);
            var pull = new StandInPullRequest
            {
                Id = _server.NextId(),
                Number = assigned,
                Title = title,
                Body = body,
                User = user,
                HeadRef = headRef,
                BaseRef = baseRef ?? DefaultBranch,
                HeadSha = headSha,
                Draft = draft,
                CreatedAt = now,
                UpdatedAt = now,
            };
            _pulls.Add(pull);
            return pull;
        }
    }

    /// <summary>A workflow run with its check suite, and per job a job and a check run sharing one id.</summary>
    public StandInWorkflowRun AddWorkflowRun(WorkflowRunSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        lock (_server.Gate)
        {
            var now = _server.Now;
            var run = new StandInWorkflowRun
            {
                Id = _server.NextId(),
                Name = seed.Name,
                Path = seed.Path ?? $".github/workflows/{seed.Name.ToLowerInvariant().Replace(' ', '-')}.yml",
                WorkflowId = 1000 + (uint)seed.Name.GetHashCode(StringComparison.Ordinal) % 9000,
                RunNumber = _workflowRuns.Count + 1,
                Event = seed.Event,
                HeadSha = seed.HeadSha,
                HeadBranch = seed.HeadBranch,
                Status = seed.Status,
                Conclusion = seed.Conclusion ?? (seed.Status != "completed" ? null : seed.Jobs.Any(j => j.Conclusion == "failure") ? "failure" : "success"),
                CheckSuiteId = _server.NextId(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            foreach (var jobSeed in seed.Jobs)
            {
                var id = _server.NextId();
                var failed = jobSeed.Conclusion == "failure" ? jobSeed.FailedStep ?? jobSeed.Steps[Math.Max(0, jobSeed.Steps.Count - 2)] : null;
                var checkRun = new StandInCheckRun
                {
                    Id = id,
                    Name = jobSeed.Name,
                    HeadSha = seed.HeadSha,
                    Status = jobSeed.Status,
                    Conclusion = jobSeed.Conclusion,
                    StartedAt = now,
                    CompletedAt = jobSeed.Status == "completed" ? now : null,
                    OutputTitle = jobSeed.Conclusion == "failure" ? $"{jobSeed.Name} failed" : null,
                    OutputSummary = jobSeed.Conclusion == "failure" ? $"Process completed with exit code 1 in step '{failed}'." : null,
                    CheckSuiteId = run.CheckSuiteId,
                    AppId = GitHubStandIn.ActionsAppId,
                };
                foreach (var annotation in jobSeed.Annotations)
                {
                    checkRun.Annotations.Add(annotation);
                }

                var job = new StandInJob
                {
                    Id = id,
                    RunId = run.Id,
                    Name = jobSeed.Name,
                    Status = jobSeed.Status,
                    Conclusion = jobSeed.Conclusion,
                    StartedAt = now,
                    CompletedAt = checkRun.CompletedAt,
                    Log = jobSeed.Log,
                    CheckRun = checkRun,
                };
                var skipping = false;
                for (var i = 0; i < jobSeed.Steps.Count; i++)
                {
                    var isFailed = jobSeed.Steps[i] == failed;
                    job.Steps.Add(new StandInStep
                    {
                        Name = jobSeed.Steps[i],
                        Number = i + 1,
                        Status = jobSeed.Status == "completed" ? "completed" : "queued",
                        Conclusion = jobSeed.Status != "completed" ? null : isFailed ? "failure" : skipping && i < jobSeed.Steps.Count - 1 ? "skipped" : "success",
                    });
                    skipping |= isFailed;
                }

                run.Jobs.Add(job);
                _checkRuns.Add(checkRun);
            }

            _workflowRuns.Add(run);
            return run;
        }
    }

    /// <summary>A check run of some other app (not GitHub Actions), e.g. an external CI.</summary>
    public StandInCheckRun AddCheckRun(string name, string headSha, string? conclusion = "failure", string status = "completed", IEnumerable<StandInAnnotation>? annotations = null)
    {
        lock (_server.Gate)
        {
            var now = _server.Now;
            var run = new StandInCheckRun
            {
                Id = _server.NextId(),
                Name = name,
                HeadSha = headSha,
                Status = status,
                Conclusion = conclusion,
                StartedAt = now,
                CompletedAt = status == "completed" ? now : null,
                OutputTitle = conclusion == "failure" ? $"{name} failed" : name,
                OutputSummary = conclusion is null ? null : $"{name}: {conclusion}",
                CheckSuiteId = _server.CheckSuiteFor(GitHubStandIn.ExternalCiAppId, headSha),
                AppId = GitHubStandIn.ExternalCiAppId,
            };
            foreach (var annotation in annotations ?? [])
            {
                run.Annotations.Add(annotation);
            }

            _checkRuns.Add(run);
            return run;
        }
    }

    public StandInIssueComment AddIssueComment(int issueNumber, string body, string user = "octocat")
    {
        lock (_server.Gate)
        {
            var now = _server.Now;
            var comment = new StandInIssueComment { Id = _server.NextId(), IssueNumber = issueNumber, Body = body, User = user, CreatedAt = now, UpdatedAt = now };
            _comments.Add(comment);
            return comment;
        }
    }

    internal int NextNumber() => ++_lastNumber;

    // ---- Git

    /// <summary>The commit a reference points at (<c>refs/heads/x</c>, <c>heads/x</c> or a branch name), or null; read straight from the bare repository.</summary>
    public string? ReadRef(string name)
    {
        var full = name.StartsWith("refs/", StringComparison.Ordinal) ? name
            : name.StartsWith("heads/", StringComparison.Ordinal) || name.StartsWith("tags/", StringComparison.Ordinal) ? $"refs/{name}"
            : $"refs/heads/{name}";
        return ReadFullRef(full, depth: 0);
    }

    /// <summary>All references (name → commit).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListRefsAsync(CancellationToken cancellationToken)
    {
        var result = await GitAsync(["for-each-ref", "--format=%(refname) %(objectname)"], cancellationToken);
        return result.EnsureSuccess("for-each-ref")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
    }

    /// <summary>
    /// Commits <paramref name="files"/> (path → text; null deletes) on top of <paramref name="branch"/>; a missing
    /// branch starts from the default branch, as a branch made on github.com does. Returns the commit.
    /// </summary>
    public async Task<string> CommitFilesAsync(string branch, IReadOnlyDictionary<string, string?> files, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var current = ReadRef(branch);
        var parent = current ?? ReadRef(DefaultBranch);
        var index = Path.Combine(_server.WorkRoot, $"index-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
        try
        {
            if (parent is not null)
            {
                (await GitAsync(["read-tree", parent], cancellationToken, env)).EnsureSuccess("read-tree");
            }

            var lines = new StringBuilder();
            foreach (var (path, text) in files)
            {
                if (text is null)
                {
                    lines.Append(CultureInfo.InvariantCulture, $"0 {new string('0', 40)}\t{path}\n");
                    continue;
                }

                var blob = (await GitAsync(["hash-object", "-w", "--stdin"], cancellationToken, env, Encoding.UTF8.GetBytes(text))).EnsureSuccess("hash-object");
                lines.Append(CultureInfo.InvariantCulture, $"100644 {blob}\t{path}\n");
            }

            (await GitAsync(["update-index", "--index-info"], cancellationToken, env, Encoding.UTF8.GetBytes(lines.ToString()))).EnsureSuccess("update-index");
            return await CommitIndexAsync(branch, parent, current, message, env, cancellationToken);
        }
        finally
        {
            File.Delete(index);
        }
    }

    /// <summary>Commits the whole content of <paramref name="directory"/> as the new tree of <paramref name="branch"/> (a missing branch starts from the default branch); returns the commit.</summary>
    public async Task<string> CommitDirectoryAsync(string branch, string directory, string message, CancellationToken cancellationToken)
    {
        var current = ReadRef(branch);
        var parent = current ?? ReadRef(DefaultBranch);
        var index = Path.Combine(_server.WorkRoot, $"index-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index, ["GIT_WORK_TREE"] = Path.GetFullPath(directory) };
        try
        {
            (await GitAsync(["add", "--all", "--force", "."], cancellationToken, env, workingDirectory: Path.GetFullPath(directory))).EnsureSuccess("add");
            return await CommitIndexAsync(branch, parent, current, message, env, cancellationToken);
        }
        finally
        {
            File.Delete(index);
        }
    }

    /// <summary>A commit's tree, parents, author and message.</summary>
    public async Task<StandInCommit> GetCommitAsync(string revision, CancellationToken cancellationToken)
    {
        var sha = await ResolveCommitAsync(revision, cancellationToken)
            ?? throw new InvalidOperationException($"{FullName} has no commit '{revision}'.");
        var text = (await GitAsync(["cat-file", "commit", sha], cancellationToken)).EnsureSuccess("cat-file");
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = (split < 0 ? text : text[..split]).Split('\n');
        var message = split < 0 ? "" : text[(split + 2)..].Trim();
        string Header(string name) => headers.FirstOrDefault(h => h.StartsWith(name + " ", StringComparison.Ordinal))?[(name.Length + 1)..] ?? "";
        var author = Header("author");
        var email = author.IndexOf('>', StringComparison.Ordinal);
        return new StandInCommit(
            sha,
            Header("tree"),
            headers.Where(h => h.StartsWith("parent ", StringComparison.Ordinal)).Select(h => h[7..]).ToList(),
            email < 0 ? author : author[..(email + 1)],
            message);
    }

    /// <summary>The commit a revision (SHA, branch, ref) names, or null.</summary>
    public async Task<string?> ResolveCommitAsync(string revision, CancellationToken cancellationToken)
    {
        // A full commit SHA, once seen, names that commit for ever: no git process for it again (branches do move).
        if (_knownCommits.ContainsKey(revision))
        {
            return revision;
        }

        var result = await GitAsync(["rev-parse", "--verify", "--quiet", "--end-of-options", $"{revision}^{{commit}}"], cancellationToken);
        if (!result.Succeeded)
        {
            return null;
        }

        var sha = result.OutputText.Trim();
        _knownCommits.TryAdd(sha, 0);
        return sha;
    }

    /// <summary>A file's bytes at a revision, or null.</summary>
    public async Task<byte[]?> ReadFileAsync(string revision, string path, CancellationToken cancellationToken)
    {
        var result = await GitAsync(["cat-file", "blob", $"{revision}:{path.TrimStart('/')}"], cancellationToken);
        return result.Succeeded ? result.Output : null;
    }

    /// <summary>Every file path at a revision.</summary>
    public async Task<IReadOnlyList<string>> ListFilesAsync(string revision, CancellationToken cancellationToken)
    {
        var result = await GitAsync(["ls-tree", "-r", "--name-only", revision], cancellationToken);
        return result.EnsureSuccess("ls-tree").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    internal Task<GitCommandResult> GitAsync(
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        byte[]? input = null,
        string? workingDirectory = null)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["GIT_DIR"] = GitDirectory };
        return GitCommand.RunAsync(workingDirectory ?? GitDirectory, arguments, cancellationToken, env, input);
    }

    private async Task<string> CommitIndexAsync(string branch, string? parent, string? current, string message, Dictionary<string, string> env, CancellationToken cancellationToken)
    {
        var tree = (await GitAsync(["write-tree"], cancellationToken, env)).EnsureSuccess("write-tree");
        List<string> commitArgs = ["commit-tree", tree, "-m", message];
        if (parent is not null)
        {
            commitArgs.AddRange(["-p", parent]);
        }

        var commit = (await GitAsync(commitArgs, cancellationToken, env)).EnsureSuccess("commit-tree");
        var refName = branch.StartsWith("refs/", StringComparison.Ordinal) ? branch : $"refs/heads/{branch}";
        (await GitAsync(["update-ref", refName, commit, current ?? new string('0', 40)], cancellationToken)).EnsureSuccess("update-ref");
        return commit;
    }

    private string? ReadFullRef(string full, int depth)
    {
        if (depth > 5)
        {
            return null;
        }

        var loose = Path.Combine(GitDirectory, full);
        if (File.Exists(loose))
        {
            var content = File.ReadAllText(loose).Trim();
            return content.StartsWith("ref: ", StringComparison.Ordinal) ? ReadFullRef(content[5..], depth + 1) : content;
        }

        var packed = Path.Combine(GitDirectory, "packed-refs");
        if (!File.Exists(packed))
        {
            return null;
        }

        foreach (var line in File.ReadLines(packed))
        {
            if (line.Length > 41 && line[40] == ' ' && string.Equals(line[41..], full, StringComparison.Ordinal))
            {
                return line[..40];
            }
        }

        return null;
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_server.Gate)
        {
            return [.. list];
        }
    }
}
