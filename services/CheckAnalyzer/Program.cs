using Agentic.CheckAnalyzer.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCheckAnalyzer();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
