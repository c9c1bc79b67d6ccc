using Agentic.IngressGateway.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngressGateway();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIngressGateway();
await app.RunAsync();
