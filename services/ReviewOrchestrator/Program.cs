using Agentic.ReviewOrchestrator.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddReviewOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
