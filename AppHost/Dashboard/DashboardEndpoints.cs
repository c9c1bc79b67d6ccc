using System.Text.Json;
using Agentic.AppHost.Orchestration;

namespace Agentic.AppHost.Dashboard;

/// <summary>
/// <c>GET /</c> (HTML), <c>GET /resources</c> (JSON), <c>GET /resources/{name}/logs</c> (recent console lines), and
/// <c>GET /workflows</c>, <c>GET /workflows/{id}</c> (the Result Processor's fix workflows, see <see cref="WorkflowFeed"/>).
/// </summary>
public static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/resources", (ResourceStateStore states) => Results.Json(states.GetAll(), Json));
        app.MapGet("/resources/{name}/logs", (string name, ResourceStateStore states) =>
            states.GetLog(name) is { } lines
                ? Results.Text(string.Join('\n', lines) + "\n", "text/plain; charset=utf-8")
                : Results.NotFound());

        var workflows = new WorkflowFeed(app.Services.GetRequiredService<ResourceStateStore>());
        app.Lifetime.ApplicationStopped.Register(workflows.Dispose);
        app.MapGet("/workflows", (HttpRequest request, CancellationToken cancellationToken) => workflows.ListAsync(request.QueryString, cancellationToken));
        app.MapGet("/workflows/{id:guid}", (Guid id, CancellationToken cancellationToken) => workflows.GetAsync(id, cancellationToken));
        return app;
    }
}
