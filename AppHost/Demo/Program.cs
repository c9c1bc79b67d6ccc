using Agentic.Demo.Extensions;

var builder = Host.CreateApplicationBuilder(args);
builder.AddGitHubDemo();
await builder.Build().RunAsync();
