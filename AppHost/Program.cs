using Agentic.AppHost;
using Agentic.AppHost.Hosting;
using Agentic.AppHost.Publishing;

var arguments = AppHostArguments.Parse(args);
if (arguments is { ShowHelp: false, Error: null, Command: AppHostCommand.Migrate })
{
    // Runs in the AppHost's container image, where there is no repository to build the model from.
    return await DatabaseMigrationCommand.RunAsync(new ConfigurationBuilder().AddEnvironmentVariables().Build(), Console.Error);
}

var builder = DistributedApplication.CreateBuilder(arguments);
AgenticModel.Build(builder);

if (arguments is { ShowHelp: false, Error: null, Publish: { } publish })
{
    return await KubernetesPublisher.RunAsync(builder.Resources, publish, Console.Out, Console.Error);
}

// Runs the system here; also answers --help and argument errors (exit code 2).
await using var app = builder.Build();
return await app.RunAsync();
