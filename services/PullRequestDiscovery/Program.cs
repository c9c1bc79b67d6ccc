using Agentic.PullRequestDiscovery.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPullRequestDiscovery();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
