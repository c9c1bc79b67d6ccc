using Agentic.AppHost.Orchestration;
using Agentic.ServiceDefaults;

namespace Agentic.AppHost.Dashboard;

/// <summary>
/// The dashboard's view of the fix workflows: forwards <c>GET /workflows</c> and <c>GET /workflows/{id}</c> to the Result
/// Processor's <c>/api/workflows</c> at the address the orchestrator gave it, and answers 503 with the reason while it
/// is not running or does not answer.
/// </summary>
public sealed class WorkflowFeed(ResourceStateStore states) : IDisposable
{
    private const string ApiPath = "/api/workflows";

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The list; the query string (state, repository, limit, before) goes through as is, for the Result Processor to validate.</summary>
    public Task<IResult> ListAsync(QueryString query, CancellationToken cancellationToken) =>
        ForwardAsync(ApiPath + query.ToUriComponent(), cancellationToken);

    public Task<IResult> GetAsync(Guid id, CancellationToken cancellationToken) =>
        ForwardAsync($"{ApiPath}/{id}", cancellationToken);

    public void Dispose() => _client.Dispose();

    private async Task<IResult> ForwardAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var resource = states.Find(ResourceNames.ResultProcessor);
        if (resource is null)
        {
            return Unavailable($"The Result Processor ({ResourceNames.ResultProcessor}) is not part of this AppHost's model.");
        }

        if (resource.State != ResourceStates.Running || resource.Url is null)
        {
            return Unavailable($"The Result Processor is not up yet (state: {resource.State}); workflows appear once it is running.");
        }

        try
        {
            using var response = await _client.GetAsync(new Uri(resource.Url, pathAndQuery), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            return Results.Content(body, contentType, statusCode: (int)response.StatusCode);
        }
        catch (HttpRequestException exception)
        {
            return Unavailable($"The Result Processor at {resource.Url} did not answer: {exception.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable($"The Result Processor at {resource.Url} did not answer within {_client.Timeout.TotalSeconds:0} s.");
        }
    }

    private static IResult Unavailable(string message) =>
        Results.Problem(message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Workflows unavailable");
}
