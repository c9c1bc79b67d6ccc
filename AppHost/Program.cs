using Agentic.AppHost;
using Agentic.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
AgenticModel.Build(builder);

await using var app = builder.Build();
return await app.RunAsync();
