using Agentic.Notifier.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNotifier();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
