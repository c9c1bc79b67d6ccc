using Agentic.Benchmarks;

return args switch
{
    ["startup", .. var rest] => await StartupBenchmark.RunAsync(rest),
    ["gateway", .. var rest] => await GatewayThroughputBenchmark.RunAsync(rest),
    ["fixflow", .. var rest] => await FixWorkflowBenchmark.RunAsync(rest),
    ["analyzer", .. var rest] => await CheckAnalyzerBenchmark.RunAsync(rest),
    ["workspace", .. var rest] => await ExecutorBenchmarks.WorkspaceAsync(rest),
    ["sandbox", .. var rest] => await ExecutorBenchmarks.SandboxAsync(rest),
    ["reconciliation", .. var rest] => await ReconciliationBenchmark.RunAsync(rest),
    ["attack", .. var rest] => await AttackBenchmark.RunAsync(rest),
    ["chaos", .. var rest] => await ChaosBenchmark.RunAsync(rest),
    ["setup", .. var rest] => await SetupBenchmark.RunAsync(rest),
    ["traces", var file] => WorkflowTraces.Print(file),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        Usage: dotnet run --project tests/Agentic.Benchmarks -c Release -- <benchmark> [options]

        Benchmarks:
          startup [--runs N] [--idle-seconds S]
              Time from starting the AppHost to all resources healthy with a warm state folder (after one cold run),
              and the resident memory of all its processes at idle.
          gateway [--connections 32] [--seconds 20] [--threads 2]
              Signed GitHub deliveries per second through the Ingress Gateway with durable acceptance, and
              p50/p99 acknowledgement latency, with wrk (apt-get install -y wrk).
          fixflow [--workflows 50] [--warmup 2] [--timeout-minutes 30] [--traces FILE]
              N formatting failures fixed concurrently by the whole system (AppHost, GitHub stand-in);
              orchestration overhead per workflow (total minus time waiting for the Executor), none lost; where the
              time went hop by hop, from the workflows' traces in the Aspire dashboard (saved as OTLP JSON with --traces).
          traces FILE
              The hop-by-hop table of a trace file saved by fixflow --traces.
          analyzer [--megabytes 50]
              LLM tokens sent per failure analysis of a 50 MB log (target < 8,000) and LLM calls for a format failure (target 0).
          workspace [--commits 300] [--files 600] [--runs 7]
              Executor: warm-mirror workspace preparation (fetch + clone --shared + checkout) vs a fresh clone (target >= 10x).
          sandbox [--runs 200]
              Executor: a trivial command under bubblewrap vs bare, p50/p95 (target overhead < 20 ms p50).
          reconciliation [--repositories 1000] [--pulls 10] [--installations 10] [--latency-ms 50] [--max-concurrency 25] [--check-run-concurrency 4]
              PR Discovery: a cold and an unchanged reconciliation cycle against the GitHub stand-in (target < 30 s, >= 95 % 304, never over the rate limit).
          attack [--timeout-minutes 20]
              Hostile pull requests through the whole system: a build that prints every secret it can reach, a log and
              check name full of markup, a fake runner shutdown, hidden /agentic commands; per scenario whether any
              secret or markup got out (exit 1 if one did).
          chaos <result-processor | executor | check-analyzer | rabbitmq | postgres | duplicates> [--workflows 20] [--timeout-minutes 12]
              N formatting-fix workflows through the whole system, one fault mid-run (kill -9 of that resource, or every
              webhook delivered 3 more times); pushed / escalated / stuck / duplicated pushes or comments, and the
              recovery time (fault to the last workflow finished). A measurement: exits 0.
          setup [--dependency jest@29.7.0] [--runs 5]
              Executor: the setup phase (bubblewrap, egress proxy, real npm registry) on a lockfile of ~300 packages:
              cold, warm npm cache, and the second attempt on the same lockfile (target < 2 s, zero registry tunnels).
        """);
    return 2;
}
