using System.Text;
using System.Text.RegularExpressions;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.Notifier.Delivery;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// The frame of the end-to-end tests on small real repositories: the GitHub stand-in and a scripted model on 127.0.0.1,
/// a pull request whose CI job failed with a real tool's log, and every service a real process (<see cref="RunningSystem"/>).
/// </summary>
[NonParallelizable]
public abstract partial class RealRepositoryTest
{
    private const string EditPrompt = "You fix failed CI checks";

    protected GitHubStandIn GitHub { get; private set; } = null!;

    protected OpenAiStandIn Llm { get; private set; } = null!;

    protected RunningSystem? System { get; private set; }

    /// <summary>The model's edit requests (not its analyses).</summary>
    protected int EditRequests => Llm.Requests.Count(r => r.Messages.Count > 0 && r.Messages[0].Contains(EditPrompt, StringComparison.Ordinal));

    protected IReadOnlyList<OpenAiStandInRequest> EditRequestsMade => [.. Llm.Requests.Where(r => r.Messages.Count > 0 && r.Messages[0].Contains(EditPrompt, StringComparison.Ordinal))];

    [SetUp]
    public async Task StartStandIns()
    {
        GitHub = new GitHubStandIn();
        await GitHub.StartAsync();
        Llm = new OpenAiStandIn { ApiKey = "sk-end-to-end" };
        await Llm.StartAsync();
    }

    [TearDown]
    public async Task StopAll()
    {
        if (System is not null)
        {
            await System.DisposeAsync();
        }

        await Llm.DisposeAsync();
        await GitHub.DisposeAsync();
    }

    /// <summary>
    /// <c>octo/{name}</c> with <paramref name="files"/> on its default branch, a pull request from <c>feature</c> that
    /// commits <paramref name="changes"/>, and that head's workflow run with <paramref name="job"/> failed.
    /// </summary>
    protected async Task<FailedCheck> AddFailedCheckAsync(
        string name, IReadOnlyDictionary<string, string?> files, IReadOnlyDictionary<string, string?> changes, string title, JobSeed job)
    {
        var app = GitHub.AddApp("agentic");
        var installation = GitHub.AddInstallation(app, "octo");
        var repository = await GitHub.CreateRepositoryAsync("octo", name, files: files);
        var head = await repository.CommitFilesAsync("feature", changes, title, CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", title, headSha: head);
        var run = repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = head, HeadBranch = "feature", Jobs = [job] });
        return new FailedCheck(app, installation.Id, repository, pullRequest, run.Jobs.Single(), head);
    }

    /// <summary>Starts every service with the scripted model configured (and <paramref name="settings"/>), then delivers the check's failure.</summary>
    protected async Task StartAndDeliverAsync(FailedCheck check, string database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(check);
        var environment = new Dictionary<string, string?>
        {
            ["Llm__Provider"] = "openai",
            ["Llm__Endpoint"] = Llm.BaseUri.ToString(),
            ["Llm__ApiKey"] = "sk-end-to-end",
            ["Llm__Model"] = "gpt-standin",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        System = await RunningSystem.StartAsync(await TestEnvironment.CreateMigratedDatabaseAsync(database), GitHub, check.App, environment);
        await System.DeliverFailedCheckAsync(check.Repository, check.InstallationId, check.PullRequest, check.Job);
    }

    protected async Task<FinishedWorkflow> RunToEndAsync(FailedCheck check, string database, TimeSpan timeout, IReadOnlyDictionary<string, string?>? settings = null)
    {
        await StartAndDeliverAsync(check, database, settings);
        return await System!.WaitForFinishedAsync(check.Repository, timeout);
    }

    /// <summary>The files at the pull request branch's head now.</summary>
    protected static async Task<Dictionary<string, string?>> ReadPushedAsync(StandInRepository repository, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var head = repository.ReadRef("refs/heads/feature")!;
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            files[path] = Encoding.UTF8.GetString((await repository.ReadFileAsync(head, path, CancellationToken.None))!);
        }

        return files;
    }

    /// <summary>The workflow's report comment on the pull request, if posted.</summary>
    protected static string? Report(StandInRepository repository, FinishedWorkflow workflow)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(workflow);
        return repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal))?.Body;
    }

    /// <summary>The workflow of a job that installs with <c>npm ci</c>, then runs <c>npm test</c>.</summary>
    protected const string NpmTestWorkflow = """
        name: CI
        on: pull_request
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: npm ci
              - run: npm test
        """;

    /// <summary>A log as a reader sees it: without the colour codes the tools write on a CI runner.</summary>
    protected static string Plain(string log) => AnsiColour().Replace(log, "");

    [GeneratedRegex(@"\u001b\[[0-9;]*m")]
    private static partial Regex AnsiColour();

    /// <summary>A failed Actions step's log: its group header, the output lines, the runner's error, with timestamps.</summary>
    protected static string ActionsLog(string command, string output, Func<string, bool>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = new List<string> { $"##[group]Run {command}", command, "shell: /usr/bin/bash -e {0}", "##[endgroup]" };
        lines.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => keep?.Invoke(line) ?? true));
        lines.Add("##[error]Process completed with exit code 1.");
        return string.Join('\n', lines.Select((line, i) => $"2026-12-07T10:00:{i % 60:00}.0000000Z {line}")) + "\n";
    }
}

/// <summary>A pull request whose CI job failed, as <see cref="RealRepositoryTest.AddFailedCheckAsync"/> seeded it.</summary>
public sealed record FailedCheck(StandInApp App, long InstallationId, StandInRepository Repository, StandInPullRequest PullRequest, StandInJob Job, string Head);
