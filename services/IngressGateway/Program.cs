using Agentic.IngressGateway.Extensions;
using Agentic.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngressGateway();

var app = builder.Build();
// Acceptance needs the database only (the inbox relays to the broker when it is back): a broker outage must not
// turn into 503s to GitHub, which does not redeliver.
app.MapDefaultEndpoints(HealthTags.Broker);
app.MapIngressGateway();
await app.RunAsync();
