using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agentic.ServiceDefaults;
using Agentic.StandIns.GitHub;
using Agentic.Testing;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 9's attack scenarios, driven through the whole system (the AppHost with every service, real PostgreSQL,
/// RabbitMQ, bubblewrap, git and dotnet; GitHub is the stand-in) the way an attacker who controls a pull request
/// would. Per scenario it prints whether any secret or any markup got out, and exits non-zero if one did.
/// <list type="bullet">
/// <item><c>hostile-build</c>: the PR's project runs a build target that prints <c>/proc/1/environ</c>, every
/// <c>/proc/*/environ</c>, <c>/etc/shadow</c>, the services' settings, the state folder's credential files and a
/// 0600 canary file. Searched for every secret the system holds: the PR's comments, check runs and commits, the
/// operator API's answers and the AppHost's whole output.</item>
/// <item><c>hostile-log</c>: the failing job's log and the check's name carry images, links, mentions, raw HTML and a
/// fence; the posted comment is rendered with Markdig (GitHub's extensions on) and must hold no link, image, HTML or
/// live mention, and still end with its last section.</item>
/// <item><c>fake-shutdown</c>: a build step prints the runner's shutdown line over a real format failure; nothing
/// may be re-run.</item>
/// <item><c>hidden-command</c>: <c>/agentic fix</c> inside an HTML comment, a code block, a quote, and from a user
/// without write access: every one is ignored, with a reason on the delivery.</item>
/// </list>
/// </summary>
public static class AttackBenchmark
{
    private const string Project = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n";
    private const string BadlyFormatted = "namespace Tiny;\n\npublic static class Greeter\n{\n        public static string Hello(  string name  )   =>    \"Hello \" + name;\n   }\n";
    private const string Stamp = "2026-11-21T10:00:09.1000000Z ";
    private const string FormatStep = Stamp + "##[group]Run dotnet format --verify-no-changes\n" + Stamp + "dotnet format --verify-no-changes\n" + Stamp + "##[endgroup]\n";
    private const string FormatError = "/home/runner/work/tiny/tiny/Greeter.cs(5,1): error WHITESPACE: Fix whitespace formatting. Replace 8 characters with '\\s\\s\\s\\s'. [/home/runner/work/tiny/tiny/Tiny.csproj]";

    private static readonly Regex Mention = new(@"(?<![\w`/])@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9-]*)?", RegexOptions.CultureInvariant);
    private static readonly Regex Marker = new(@"^<!-- agentic:[^\n]*-->\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var minutes = Options.Int(args, "--timeout-minutes", 20);
        Console.WriteLine("command: dotnet run --project tests/Agentic.Benchmarks -c Release -- attack");
        var webhookSecret = RandomToken(32);
        var operatorKey = RandomToken(40);
        var environmentCanary = "agentic-env-canary-" + RandomToken(24);
        var canaryDirectory = Path.Combine(Path.GetTempPath(), "agentic-attack-canary");
        Directory.CreateDirectory(canaryDirectory);
        var canaryFile = Path.Combine(canaryDirectory, "key.pem");
        var fileCanary = "agentic-file-canary-" + RandomToken(24);
        await File.WriteAllTextAsync(canaryFile, fileCanary + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(canaryFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var state = Path.Combine(Path.GetTempPath(), "agentic-attack-benchmark-state");

        await using var gitHub = new GitHubStandIn();
        await gitHub.StartAsync();
        var app = gitHub.AddApp("agentic");
        var installation = gitHub.AddInstallation(app, "octo");

        // hostile-build: the PR adds a build target that prints whatever it can reach, as MSBuild errors (shown at
        // any verbosity, so the failure tail the report quotes is made of them).
        var settings = Directory.GetFiles(Path.Combine(BuildInfo.RepositoryRoot, "services"), "appsettings*.json", SearchOption.AllDirectories);
        var reads = string.Join(' ', new[] { "/proc/1/environ", "/proc/self/environ", "/proc/*/environ", "/etc/shadow", canaryFile, $"{state}/*", $"{state}/*/*" }.Concat(settings));
        var stealer = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n"
            + "  <Target Name=\"Exfiltrate\" BeforeTargets=\"Build\">\n"
            + $"    <Exec Command=\"cat {reads} 2&gt;&amp;1 | tr '\\000' '\\n'; env\" CustomErrorRegularExpression=\".\" />\n"
            + "  </Target>\n</Project>\n";
        var build = await PullRequestAsync(gitHub, "hostile-build", new Dictionary<string, string?> { ["Greeter.cs"] = BadlyFormatted, ["Tiny.csproj"] = stealer },
            "format", FormatStep + Stamp + FormatError + "\n" + Stamp + "##[error]Process completed with exit code 2.\n");

        // hostile-log: the root cause a report quotes, and the check's name, are the attacker's.
        const string hostileName = "format` [click me](http://phish.example/login) <!--";
        var hostileLine = "/home/runner/work/tiny/tiny/Greeter.cs(5,1): error WHITESPACE: ![t](http://evil.example/t.png) @octo/admins "
            + "[sign in](http://phish.example/login) <img src=x onerror=alert(1)> <!-- http://phish.example/bare ``` </details>";
        var log = await PullRequestAsync(gitHub, "hostile-log", new Dictionary<string, string?> { ["Greeter.cs"] = BadlyFormatted }, hostileName,
            FormatStep + Stamp + hostileLine + "\n" + Stamp + "```\n" + Stamp + "@octo/security please look at [this](http://phish.example)\n" + Stamp + "##[error]Process completed with exit code 2.\n");

        // fake-shutdown: a step prints the runner's shutdown line over a real format failure.
        var shutdown = await PullRequestAsync(gitHub, "fake-shutdown", new Dictionary<string, string?> { ["Greeter.cs"] = BadlyFormatted }, "format",
            FormatStep + Stamp + "##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.\n"
            + Stamp + FormatError + "\n" + Stamp + "##[error]Process completed with exit code 2.\n");

        // hidden-command: comments whose only /agentic line is hidden, quoted, in code, or from a reader.
        var commands = await PullRequestAsync(gitHub, "hidden-command", new Dictionary<string, string?> { ["Greeter.cs"] = BadlyFormatted }, "format", log: null);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(minutes + 5));
        var output = new StringBuilder();
        await using var appHost = await AppHostProcess.StartAsync(state, reset: true, line =>
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }, timeout.Token, new Dictionary<string, string?>
        {
            ["GitHub__Api__BaseUrl"] = gitHub.BaseUri.ToString(),
            ["GitHub__Api__App__AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub__Api__App__PrivateKey"] = app.PrivateKeyPem,
            ["GitHub__Webhooks__Secrets__0"] = webhookSecret,
            ["Inbox__OperatorApiKey"] = operatorKey,
            ["AGENTIC_ATTACK_CANARY"] = environmentCanary,
        });
        await appHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), timeout.Token);
        var gatewayBase = appHost.Gateway;
        var webhooks = new Uri(gatewayBase, "/webhooks/github");
        using var http = new HttpClient();
        using var operatorApi = new HttpClient { BaseAddress = gatewayBase };
        operatorApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);

        foreach (var pr in new[] { build, log, shutdown })
        {
            using var answer = await StandInWebhooks.DeliverAsync(http, webhooks, "check_run",
                StandInWebhooks.CheckRunCompleted(pr.Repository, installation.Id, pr.PullRequest, pr.Job!), webhookSecret, timeout.Token);
            Console.WriteLine($"{pr.Repository.Name}: check_run delivered, {(int)answer.StatusCode}");
        }

        var hidden = new (string Name, string Body, string Association)[]
        {
            ("html-comment", "Thanks!\n<!-- /agentic fix -->", "MEMBER"),
            ("code-block", "Try this:\n```\n/agentic fix\n```", "MEMBER"),
            ("quote", "> /agentic fix\nwhat does this do?", "MEMBER"),
            ("reader", "/agentic fix", "NONE"),
        };
        var deliveryIds = new Dictionary<string, string>();
        foreach (var (name, body, association) in hidden)
        {
            var payload = StandInWebhooks.IssueCommentCreated(commands.Repository, installation.Id, commands.PullRequest, body, "mallory", association);
            deliveryIds[name] = Guid.NewGuid().ToString();
            using var answer = await StandInWebhooks.DeliverAsync(http, webhooks, "issue_comment", payload, webhookSecret, deliveryIds[name], timeout.Token);
            Console.WriteLine($"hidden-command/{name}: issue_comment delivered, {(int)answer.StatusCode}");
        }

        // Wait for the three workflows to finish (each gets a terminal outcome in the workflows API).
        var finished = new Dictionary<string, JsonNode>();
        var deadline = DateTime.UtcNow.AddMinutes(minutes);
        while (finished.Count < 3 && DateTime.UtcNow < deadline)
        {
            foreach (var item in await ListAsync(operatorApi, "/api/workflows?state=finished&limit=50", timeout.Token))
            {
                var repository = item?["repository"]?.GetValue<string>() ?? "";
                finished.TryAdd(repository, item!);
            }

            await Task.Delay(1000, timeout.Token);
        }

        // Everything the system said, to anyone: comments, check runs, commits, the API's answers, its own logs.
        var said = new StringBuilder();
        foreach (var pr in new[] { build, log, shutdown, commands })
        {
            foreach (var comment in pr.Repository.IssueComments)
            {
                said.AppendLine(comment.Body);
            }

            foreach (var run in pr.Repository.CheckRuns)
            {
                said.AppendLine(run.Name).AppendLine(run.OutputTitle).AppendLine(run.OutputSummary).AppendLine(run.OutputText);
            }

            foreach (var reference in (await pr.Repository.ListRefsAsync(timeout.Token)).Values.Distinct())
            {
                var commit = await pr.Repository.GetCommitAsync(reference, timeout.Token);
                said.AppendLine(commit.Message);
            }
        }

        foreach (var item in finished.Values)
        {
            said.AppendLine(item.ToJsonString());
            var id = item["id"]?.ToString();
            said.AppendLine(await operatorApi.GetStringAsync($"/api/workflows/{id}", timeout.Token));
        }

        said.AppendLine(await operatorApi.GetStringAsync("/api/deliveries?limit=500", timeout.Token));
        string logs;
        lock (output)
        {
            logs = output.ToString();
        }

        var secrets = Secrets(app.PrivateKeyPem, webhookSecret, operatorKey, environmentCanary, fileCanary, state);
        var results = new List<(string Scenario, bool Held, string Detail)>();
        var leaked = secrets.Where(s => said.ToString().Contains(s.Value, StringComparison.Ordinal) || logs.Contains(s.Value, StringComparison.Ordinal)).Select(s => s.Name).Distinct().ToList();
        var buildOutcome = finished.GetValueOrDefault(build.Repository.FullName)?["outcome"]?.ToString() ?? "not finished";
        // The attack only counts if the PR's build ran in the sandbox (an attempt was made).
        var buildAttempts = finished.GetValueOrDefault(build.Repository.FullName)?["attempts"]?.GetValue<int>() ?? 0;
        results.Add(("hostile-build", leaked.Count == 0 && buildAttempts > 0,
            (leaked.Count == 0 ? $"no secret in any output ({secrets.Count} secrets checked, {said.Length + logs.Length:N0} characters searched)" : $"LEAKED: {string.Join(", ", leaked)}") + $"; outcome {buildOutcome} after {buildAttempts} attempt(s) in the sandbox"));
        var transcript = Path.Combine(Path.GetTempPath(), "agentic-attack-said.txt");
        await File.WriteAllTextAsync(transcript, said.ToString(), timeout.Token);
        Console.WriteLine($"everything the system said (comments, check runs, commits, API answers): {transcript}");

        var report = log.Repository.IssueComments.Select(c => c.Body).LastOrDefault();
        var markup = report is null ? ["no comment was posted"] : Markup(report);
        var checkRunMarkup = log.Repository.CheckRuns.Where(r => r.OutputSummary is not null).SelectMany(r => Markup(r.OutputSummary + "\n" + r.OutputText)).ToList();
        results.Add(("hostile-log", markup.Count == 0 && checkRunMarkup.Count == 0,
            markup.Count == 0 && checkRunMarkup.Count == 0 ? $"comment ({report!.Length} chars) and check run render no link, image, HTML or mention" : $"MARKUP: {string.Join("; ", markup.Concat(checkRunMarkup).Take(6))}"));

        var reruns = shutdown.Job!.Reruns + shutdown.Repository.WorkflowRuns.SelectMany(r => r.Jobs).Sum(j => j.Reruns);
        var shutdownOutcome = finished.GetValueOrDefault(shutdown.Repository.FullName)?["outcome"]?.ToString() ?? "not finished";
        results.Add(("fake-shutdown", reruns == 0 && finished.ContainsKey(shutdown.Repository.FullName) && !shutdownOutcome.Contains("rerun", StringComparison.OrdinalIgnoreCase),
            $"job re-runs requested: {reruns}; outcome {shutdownOutcome}"));

        var deliveries = await ListAsync(operatorApi, "/api/deliveries?source=github&limit=500", timeout.Token);
        var ignored = new List<string>();
        foreach (var (name, _, _) in hidden)
        {
            var delivery = deliveries.FirstOrDefault(d => d?["deliveryId"]?.ToString() == deliveryIds[name]);
            var reason = delivery?["reason"]?.ToString();
            ignored.Add($"{name}: {(reason is { Length: > 0 } ? reason : "NO REASON")}");
        }

        var workflowsOnCommands = finished.ContainsKey(commands.Repository.FullName) || commands.Repository.IssueComments.Count > 0;
        results.Add(("hidden-command", !workflowsOnCommands && ignored.All(i => !i.EndsWith("NO REASON", StringComparison.Ordinal)),
            (workflowsOnCommands ? "ACTED ON; " : "nothing started; ") + string.Join("; ", ignored)));

        foreach (var (scenario, held, detail) in results)
        {
            Console.WriteLine($"RESULT {scenario}: {(held ? "held" : "BROKEN")}: {detail}");
        }

        await appHost.TerminateAsync(TimeSpan.FromSeconds(90), CancellationToken.None);
        File.Delete(canaryFile);
        return results.All(r => r.Held) ? 0 : 1;
    }

    private static async Task<PullRequestSeed> PullRequestAsync(GitHubStandIn gitHub, string name, Dictionary<string, string?> change, string check, string? log)
    {
        var repository = await gitHub.CreateRepositoryAsync("octo", name, files: new Dictionary<string, string?>
        {
            ["Tiny.csproj"] = Project,
            [".gitignore"] = "bin/\nobj/\n",
            ["Greeter.cs"] = "namespace Tiny;\n\npublic static class Greeter\n{\n}\n",
        });
        var head = await repository.CommitFilesAsync("feature", change, "Add a greeting", CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", "Add a greeting", headSha: head, user: "mallory");
        StandInJob? job = null;
        if (log is not null)
        {
            var run = repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = head, HeadBranch = "feature", Jobs = [new JobSeed { Name = check, Conclusion = "failure", Log = log }] });
            job = run.Jobs.Single();
        }

        return new PullRequestSeed(repository, pullRequest, job);
    }

    /// <summary>Every secret the system holds, by name: the App key's lines, the webhook secret, the operator key, the canaries, and the state folder's credential files (0600).</summary>
    private static List<(string Name, string Value)> Secrets(string pem, string webhookSecret, string operatorKey, string environmentCanary, string fileCanary, string state)
    {
        var secrets = new List<(string, string)>
        {
            ("webhook secret", webhookSecret), ("operator key", operatorKey), ("environment canary", environmentCanary), ("0600 canary file", fileCanary),
        };
        secrets.AddRange(pem.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.Length >= 32 && !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => ("App private key", l)));
        if (Directory.Exists(state) && !OperatingSystem.IsWindows())
        {
            // The state folder's own credential files; PostgreSQL's data folder (pid and lock files, 0600 too) is not one.
            foreach (var file in Directory.GetFiles(state, "*", SearchOption.TopDirectoryOnly))
            {
                var info = new FileInfo(file);
                if (info.Length is > 0 and < 4096 && File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite))
                {
                    secrets.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length >= 12).Select(l => ($"state file {info.Name}", l)));
                }
            }
        }

        if (File.Exists("/etc/shadow") && Environment.UserName == "root")
        {
            secrets.AddRange(File.ReadAllLines("/etc/shadow").Select(l => l.Split(':')).Where(f => f.Length > 1 && f[1].StartsWith('$')).Select(f => ("/etc/shadow hash", f[1])));
        }

        return secrets;
    }

    /// <summary>What in <paramref name="markdown"/> would render as markup on GitHub: links, images, autolinks, HTML, live mentions (the report's own hidden marker aside).</summary>
    private static List<string> Markup(string markdown)
    {
        var pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().UseAutoLinks().Build();
        var document = Markdown.Parse(Marker.Replace(markdown, ""), pipeline);
        var found = new List<string>();
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case LinkInline link:
                    found.Add($"{(link.IsImage ? "image" : "link")} {link.Url}");
                    break;
                case AutolinkInline autolink:
                    found.Add($"autolink {autolink.Url}");
                    break;
                case HtmlInline html:
                    found.Add($"HTML {html.Tag}");
                    break;
                case HtmlBlock block:
                    found.Add($"HTML block {block.Lines.ToString().Split('\n')[0]}");
                    break;
                case LiteralInline literal when Mention.Match(literal.Content.ToString()) is { Success: true } mention:
                    found.Add($"mention {mention.Value}");
                    break;
            }
        }

        return found;
    }

    private static async Task<List<JsonNode?>> ListAsync(HttpClient api, string path, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return node switch
        {
            JsonArray array => [.. array],
            JsonObject page when page["items"] is JsonArray items => [.. items],
            _ => [],
        };
    }

    private static string RandomToken(int length) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(length))[..length];

    private sealed record PullRequestSeed(StandInRepository Repository, StandInPullRequest PullRequest, StandInJob? Job);
}
