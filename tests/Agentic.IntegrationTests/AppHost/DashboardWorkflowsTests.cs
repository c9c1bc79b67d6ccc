using System.Globalization;
using System.Net;
using System.Text.Json;
using Agentic.AppHost;
using Agentic.AppHost.Dashboard;
using Agentic.AppHost.Hosting;
using Agentic.AppHost.Infrastructure;
using Agentic.AppHost.Orchestration;
using Agentic.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>The dashboard's <c>/workflows</c>: the Result Processor's list through the AppHost, and a clear 503 while it cannot be asked.</summary>
public sealed class DashboardWorkflowsTests
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<WebApplication> _apps = [];

    [TearDown]
    public async Task StopServers()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _apps.Clear();
    }

    [OneTimeTearDown]
    public void DisposeClient() => _http.Dispose();

    [Test]
    public async Task Should_answer_503_when_the_model_has_no_result_processor()
    {
        var dashboard = await StartDashboardAsync(new ResourceStateStore());

        var (status, body) = await GetAsync(dashboard, "/workflows");

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body.GetProperty("detail").GetString(), Does.Contain("not part of this AppHost's model"));
        });
    }

    [Test]
    public async Task Should_answer_503_while_the_result_processor_is_not_running()
    {
        var states = new ResourceStateStore();
        states.Add(Snapshot(ResourceStates.Waiting, url: null));
        var dashboard = await StartDashboardAsync(states);

        var (status, body) = await GetAsync(dashboard, "/workflows");

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body.GetProperty("detail").GetString(), Does.Contain("not up yet").And.Contain(ResourceStates.Waiting));
        });
    }

    [Test]
    public async Task Should_answer_503_when_the_running_result_processor_does_not_answer()
    {
        var states = new ResourceStateStore();
        var down = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Find()}"));
        states.Add(Snapshot(ResourceStates.Running, down));
        var dashboard = await StartDashboardAsync(states);

        var (status, body) = await GetAsync(dashboard, $"/workflows/{Guid.NewGuid()}");

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body.GetProperty("detail").GetString(), Does.Contain("did not answer").And.Contain(down.Authority));
        });
    }

    [Test]
    public async Task Should_forward_the_list_with_its_query_and_the_answer_status_to_the_result_processor()
    {
        var resultProcessor = await StartAsync(app =>
        {
            app.MapGet("/api/workflows", (HttpRequest request) => request.Query["limit"] == "0"
                ? Results.Problem("limit must be a whole number from 1 to 200.", statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(new { items = Array.Empty<object>(), next = (string?)null, query = request.QueryString.Value }));
            app.MapGet("/api/workflows/{id:guid}", (Guid id) => Results.Json(new { id }));
        });
        var states = new ResourceStateStore();
        states.Add(Snapshot(ResourceStates.Running, resultProcessor));
        var dashboard = await StartDashboardAsync(states);
        var id = Guid.NewGuid();

        var (listStatus, list) = await GetAsync(dashboard, "/workflows?state=active&limit=20");
        var (oneStatus, one) = await GetAsync(dashboard, $"/workflows/{id}");
        var (badStatus, bad) = await GetAsync(dashboard, "/workflows?limit=0");

        Assert.Multiple(() =>
        {
            Assert.That(listStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(list.GetProperty("query").GetString(), Is.EqualTo("?state=active&limit=20"));
            Assert.That(oneStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(one.GetProperty("id").GetGuid(), Is.EqualTo(id));
            Assert.That(badStatus, Is.EqualTo(HttpStatusCode.BadRequest), "the Result Processor's own answer goes through");
            Assert.That(bad.GetProperty("detail").GetString(), Does.Contain("limit"));
        });
    }

    [Test]
    public async Task Should_serve_a_page_that_shows_workflows_without_external_assets()
    {
        var dashboard = await StartDashboardAsync(new ResourceStateStore());

        var html = await _http.GetStringAsync(new Uri(dashboard, "/"));

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<h2>Workflows</h2>").And.Contain("fetch('/workflows"));
            Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://"), "no CDN or other external asset");
        });
    }

    [Test]
    public void Should_give_the_gateway_the_result_processors_address_so_that_workflows_route_by_default()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        AgenticModel.Build(builder);

        var gateway = builder.Resources.Single(r => r.Name == ResourceNames.IngressGateway);
        var resultProcessor = builder.Resources.Single(r => r.Name == ResourceNames.ResultProcessor);
        Assert.Multiple(() =>
        {
            Assert.That(gateway.Annotations.OfType<ServiceReferenceAnnotation>().Select(a => a.Target), Does.Contain(resultProcessor),
                "services__result-processor__http__0 for the gateway's /api/workflows route");
            Assert.That(gateway.Annotations.OfType<WaitAnnotation>().Select(a => a.Target), Does.Contain(resultProcessor),
                "the address is known when the gateway starts");
        });
    }

    private static ResourceSnapshot Snapshot(string state, Uri? url) =>
        new(ResourceNames.ResultProcessor, "project", state, HealthStates.Unknown, Pid: null, url, Restarts: 0, ExitCode: null);

    /// <summary>The AppHost's dashboard endpoints over <paramref name="states"/>, on a loopback port.</summary>
    private Task<Uri> StartDashboardAsync(ResourceStateStore states) =>
        StartAsync(app => app.MapDashboard(), services => services.AddSingleton(states));

    private async Task<Uri> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var port = FreePort.Find();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        _apps.Add(app);
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(Uri server, string path)
    {
        using var response = await _http.GetAsync(new Uri(server, path));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }
}
