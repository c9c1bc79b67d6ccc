using Agentic.CommandDispatcher.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCommandDispatcher();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
