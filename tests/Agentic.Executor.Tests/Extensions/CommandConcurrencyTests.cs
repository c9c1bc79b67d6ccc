using Agentic.Executor.Extensions;
using Agentic.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Tests.Extensions;

/// <summary>Builds and tests are CPU-bound: the Executor's command endpoint never takes the bus-wide concurrency default.</summary>
public sealed class CommandConcurrencyTests
{
    [Test]
    public void Should_run_as_many_commands_as_cores_when_nothing_is_configured()
    {
        using var host = Build(new Dictionary<string, string?> { ["Messaging:ConcurrentMessageLimit"] = "32" });

        var options = host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.ConcurrentMessageLimit, Is.EqualTo(32));
            Assert.That(options.Endpoints[HostingExtensions.ExecuteCommandEndpoint].ConcurrentMessageLimit, Is.EqualTo(Math.Max(1, Environment.ProcessorCount)));
        });
    }

    [Test]
    public void Should_keep_the_configured_limit_for_the_command_endpoint()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Messaging:Endpoints:execute-command:ConcurrentMessageLimit"] = "5",
        });

        var options = host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value;

        Assert.That(options.Endpoints[HostingExtensions.ExecuteCommandEndpoint].ConcurrentMessageLimit, Is.EqualTo(5));
    }

    [Test]
    public void Should_fill_in_the_limit_when_only_the_prefetch_is_configured()
    {
        var options = new MessagingOptions();
        options.Endpoints[HostingExtensions.ExecuteCommandEndpoint] = new MessagingOptions.EndpointOptions { PrefetchCount = 3 };

        options.LimitCommandsToCores(processorCount: 0);

        Assert.Multiple(() =>
        {
            Assert.That(options.Endpoints[HostingExtensions.ExecuteCommandEndpoint].ConcurrentMessageLimit, Is.EqualTo(1));
            Assert.That(options.Endpoints[HostingExtensions.ExecuteCommandEndpoint].PrefetchCount, Is.EqualTo(3));
        });
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:5672/",
        });
        builder.AddExecutor();
        return builder.Build();
    }
}
