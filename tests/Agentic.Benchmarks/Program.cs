using Agentic.Benchmarks;

return args switch
{
    ["startup", .. var rest] => await StartupBenchmark.RunAsync(rest),
    ["gateway", .. var rest] => await GatewayThroughputBenchmark.RunAsync(rest),
    ["analyzer", .. var rest] => await CheckAnalyzerBenchmark.RunAsync(rest),
    ["workspace", .. var rest] => await ExecutorBenchmarks.WorkspaceAsync(rest),
    ["sandbox", .. var rest] => await ExecutorBenchmarks.SandboxAsync(rest),
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
          analyzer [--megabytes 50]
              LLM tokens sent per failure analysis of a 50 MB log (target < 8,000) and LLM calls for a format failure (target 0).
          workspace [--commits 300] [--files 600] [--runs 7]
              Executor: warm-mirror workspace preparation (fetch + clone --shared + checkout) vs a fresh clone (target >= 10x).
          sandbox [--runs 200]
              Executor: a trivial command under bubblewrap vs bare, p50/p95 (target overhead < 20 ms p50).
        """);
    return 2;
}
