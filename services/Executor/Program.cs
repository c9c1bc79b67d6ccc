using Agentic.Executor.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddExecutor();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
