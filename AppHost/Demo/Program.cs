using Agentic.Demo.Extensions;

// appsettings.json beside the program, wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddGitHubDemo();
await builder.Build().RunAsync();
