using Agentic.ResultProcessor.Api;
using Agentic.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>The Result Processor in process (its real Program: saga, consumers, deadline sweep, HTTP API) against the given PostgreSQL and RabbitMQ.</summary>
public sealed class ResultProcessorHost(string databaseConnectionString, string messagingConnectionString) : WebApplicationFactory<WorkflowQueries>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Database}", databaseConnectionString);
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Messaging}", messagingConnectionString);

        // MassTransit keeps a bus's logger factory in a static; hosts in one test process must not dispose it.
        builder.ConfigureServices(services => services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance));
    }
}
