using Agentic.ResultProcessor.Api;
using Agentic.ResultProcessor.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddResultProcessor();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapWorkflowEndpoints();
app.MapWorkflowsPage();
await app.RunAsync();
