using System.Diagnostics;
using System.Globalization;
using System.Text;
using Agentic.CheckAnalyzer.Analysis;
using Agentic.CheckAnalyzer.Extensions;
using Agentic.CheckAnalyzer.Persistence;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.Benchmarks;

/// <summary>
/// LLM tokens sent per failure analysis for a 50 MB Actions log (target under 8,000) and LLM calls for a format/lint
/// failure (target 0), with the Check Analyzer wired as in the service against the GitHub and OpenAI-compatible stand-ins.
/// </summary>
internal static class CheckAnalyzerBenchmark
{
    private const string HeadSha = "4f1c0a7d9e2b3c4d5e6f708192a3b4c5d6e7f809";

    public static async Task<int> RunAsync(string[] args)
    {
        var megabytes = args is ["--megabytes", var mb, ..] ? int.Parse(mb, CultureInfo.InvariantCulture) : 50;
        Console.WriteLine($"$ dotnet run --project tests/Agentic.Benchmarks -c Release -- analyzer --megabytes {megabytes}");

        await using var gitHub = new GitHubStandIn();
        await gitHub.StartAsync();
        var app = gitHub.AddApp("agentic");
        var installation = gitHub.AddInstallation(app, "acme");
        var repository = await gitHub.CreateRepositoryAsync("acme", "shop", files: new Dictionary<string, string?> { ["README.md"] = "# shop\n" });
        await using var llm = new OpenAiStandIn();
        await llm.StartAsync();
        llm.DefaultReply = new OpenAiScriptedReply("""{"root_cause":"undeclared names in generated code","strategy":"llm_edit","confidence":0.7,"files":["src/Gen/File1.cs"]}""");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = gitHub.BaseUri.AbsoluteUri,
            ["GitHub:Api:App:AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
            ["CheckAnalyzer:Llm:Provider"] = "openai",
            ["CheckAnalyzer:Llm:Endpoint"] = llm.BaseUri.AbsoluteUri,
            ["CheckAnalyzer:Llm:Model"] = "bench-model",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IAnalysisStore, MemoryStore>();
        services.AddCheckAnalyzerServices(configuration);
        await using var provider = services.BuildServiceProvider();
        var analyzer = provider.GetRequiredService<FailureAnalysisService>();

        // 1. A 50 MB compile-failure log.
        var log = GenerateLog(megabytes * 1024L * 1024L);
        var big = Seed(repository, installation, "build", log);
        log = null;
        var stopwatch = Stopwatch.StartNew();
        var memoryBefore = GC.GetTotalAllocatedBytes();
        var outcome = await analyzer.AnalyzeAsync(big, CancellationToken.None);
        stopwatch.Stop();
        var request = llm.Requests.Single();
        var sentChars = request.Messages.Sum(m => m.Length);
        var usage = outcome.Analyzed!.Usage;
        Console.WriteLine($"log: {megabytes} MB, category {outcome.Analyzed.Category}, strategy {outcome.Analyzed.Strategy}, analysed in {stopwatch.Elapsed.TotalSeconds:0.0} s, allocated {(GC.GetTotalAllocatedBytes() - memoryBefore) / 1024 / 1024} MB in total");
        Console.WriteLine($"RESULT analyzer.llm_tokens_sent_per_analysis={usage.InputTokens} (prompt characters {sentChars}, ~{sentChars / 4} tokens at 4 chars/token; target < 8000) {(usage.InputTokens < 8000 ? "PASS" : "FAIL")}");

        // 2. A format/lint failure.
        var before = llm.Requests.Count;
        var format = Seed(repository, installation, "format", "> prettier --check .\nChecking formatting...\n[warn] src/a.ts\n[warn] src/b.css\n[warn] Code style issues found in 2 files. Run Prettier with --write to fix.\nError: Process completed with exit code 1.\n");
        var formatOutcome = await analyzer.AnalyzeAsync(format, CancellationToken.None);
        var calls = llm.Requests.Count - before;
        Console.WriteLine($"RESULT analyzer.llm_calls_for_format_failure={calls} (category {formatOutcome.Analyzed!.Category}, strategy {formatOutcome.Analyzed.Strategy}; target 0) {(calls == 0 ? "PASS" : "FAIL")}");
        return usage.InputTokens < 8000 && calls == 0 ? 0 : 1;
    }

    private static AnalyzeCheckFailure Seed(StandInRepository repository, StandInInstallation installation, string name, string log)
    {
        var run = repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = HeadSha, Jobs = [new JobSeed { Name = name, Conclusion = "failure", Log = log }] });
        var job = run.Jobs[0];
        return new AnalyzeCheckFailure
        {
            CorrelationId = Guid.NewGuid(),
            PullRequest = new PullRequestRef
            {
                Repository = new RepositoryRef { InstallationId = installation.Id, RepositoryId = repository.Id, Owner = repository.Owner, Name = repository.Name },
                Number = 1,
                HeadSha = HeadSha,
                HeadRef = "feature",
                BaseRef = "main",
            },
            CheckRunId = job.Id,
            JobId = job.Id,
            CheckName = name,
            BudgetUsd = 1m,
        };
    }

    /// <summary>Build noise with timestamps and ANSI, retry warnings repeated thousands of times, and about one distinct compiler error per thousand lines.</summary>
    private static string GenerateLog(long bytes)
    {
        var builder = new StringBuilder((int)Math.Min(int.MaxValue - 1024, bytes + 1024));
        long line = 0;
        while (builder.Length < bytes)
        {
            line++;
            builder.Append(CultureInfo.InvariantCulture, $"2024-05-01T12:00:00.{line % 10_000_000:0000000}Z ");
            if (line % 997 == 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\u001b[31;1m/home/runner/work/shop/shop/src/Gen/File{line % 5000}.cs({line % 300},5): error CS0103: The name '{Word(line)}' does not exist in the current context [/home/runner/work/shop/shop/src/Gen/Gen.csproj]\u001b[0m\n");
            }
            else if (line % 101 == 0)
            {
                builder.Append("warn: retrying request 3 of 5: error ECONNRESET (ignored)\n");
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"  Compiling module {line} of a very large build, output written to /home/runner/work/shop/shop/obj/Debug/net8.0/module{line}.dll\n");
            }
        }

        builder.Append("Build FAILED.\n##[error]Process completed with exit code 1.\n");
        return builder.ToString();
    }

    private static string Word(long value)
    {
        Span<char> chars = stackalloc char[6];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + (value % 26));
            value /= 26;
        }

        return new string(chars);
    }

    private sealed class MemoryStore : IAnalysisStore
    {
        private readonly Dictionary<Guid, StoredAnalysis> _rows = [];

        public Task<StoredAnalysis?> FindByWorkflowAsync(Guid workflowId, CancellationToken cancellationToken) => Task.FromResult(_rows.GetValueOrDefault(workflowId));

        public Task<StoredAnalysis?> FindLlmAnalysisAsync(long installationId, long repositoryId, string logHash, CancellationToken cancellationToken) => Task.FromResult<StoredAnalysis?>(null);

        public Task<bool> InsertAsync(StoredAnalysis analysis, CancellationToken cancellationToken) => Task.FromResult(_rows.TryAdd(analysis.WorkflowId, analysis));
    }
}
