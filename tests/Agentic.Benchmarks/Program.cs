using Agentic.Benchmarks;

return args switch
{
    ["startup", .. var rest] => await StartupBenchmark.RunAsync(rest),
    ["gateway", .. var rest] => await GatewayThroughputBenchmark.RunAsync(rest),
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
        """);
    return 2;
}
