namespace Agentic.ResultProcessor.Api;

/// <summary>
/// The fix workflows, read-only: <c>GET /api/workflows</c> (newest first by start, filters, cursor paging) and
/// <c>GET /api/workflows/{id}</c> (one workflow with its command executions). No authentication of its own: operators
/// reach it through the Ingress Gateway, which requires the operator key, and <see cref="WorkflowsPage"/> reads it on loopback.
/// </summary>
public static class WorkflowEndpoints
{
    public const string Path = "/api/workflows";

    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        return app;
    }

    private static async Task<IResult> ListAsync(
        string? state, string? repository, string? limit, string? before, WorkflowQueries queries, CancellationToken cancellationToken)
    {
        if (WorkflowFilter.TryParse(state, repository, limit, before, queries.StateNames, out var parameter, out var error) is not { } filter)
        {
            return BadParameter(parameter!, error!);
        }

        return Results.Ok(await queries.ListAsync(filter, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string id, WorkflowQueries queries, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var workflowId))
        {
            return BadParameter("id", $"id must be a workflow id (a GUID such as {Guid.Empty}), not '{(id.Length <= 80 ? id : id[..80] + "…")}'.");
        }

        return await queries.GetAsync(workflowId, cancellationToken) is { } workflow
            ? Results.Ok(workflow)
            : Results.Problem($"No fix workflow {workflowId}.", statusCode: StatusCodes.Status404NotFound);
    }

    private static IResult BadParameter(string parameter, string message) =>
        Results.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: $"Invalid parameter '{parameter}'",
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
