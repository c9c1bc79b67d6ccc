using System.Text.Json;
using Agentic.AppHost.Orchestration;

namespace Agentic.AppHost.Dashboard;

/// <summary><c>GET /</c> (HTML), <c>GET /resources</c> (JSON) and <c>GET /resources/{name}/logs</c> (recent console lines).</summary>
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
        return app;
    }
}
