using Agentic.ServiceDefaults;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>
/// <c>/api/workflows/**</c>: the Result Processor's read API under the gateway's origin, through YARP, for operators only
/// (bearer <c>Inbox:OperatorApiKey</c>, checked here and stripped before forwarding). The route (<c>workflows</c>) and
/// cluster (<c>result-processor</c>) come from the <c>ReverseProxy</c> section when it defines them; otherwise they are
/// built from <c>services:result-processor:http:0</c>, which the AppHost's <c>WithReference</c> sets.
/// </summary>
public static class WorkflowProxy
{
    public const string PathPrefix = "/api/workflows";
    public const string RouteId = "workflows";
    public const string ClusterId = ResourceNames.ResultProcessor;

    /// <summary>The configuration key of the Result Processor's address (service discovery by configuration, as in Aspire).</summary>
    public const string ServiceAddressKey = $"services:{ResourceNames.ResultProcessor}:http:0";

    /// <summary>Adds the built-in route and cluster to YARP, for whichever of them the <c>ReverseProxy</c> section does not define.</summary>
    public static IReverseProxyBuilder LoadWorkflowRoute(this IReverseProxyBuilder proxy, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var (routes, clusters, _) = Resolve(configuration);
        return routes.Count == 0 && clusters.Count == 0 ? proxy : proxy.LoadFromMemory(routes, clusters);
    }

    /// <summary>
    /// Gates <c>/api/workflows/**</c> with the operator key, whatever route serves it; answers 503 when nothing does
    /// (no Result Processor address and no configured route).
    /// </summary>
    public static WebApplication UseWorkflowProxyGate(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var (_, _, routed) = Resolve(app.Configuration);
        app.UseWhen(context => context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase), branch => branch.Use(async (context, next) =>
        {
            if (OperatorKey.Check(context) is { } refused)
            {
                await refused.ExecuteAsync(context);
                return;
            }

            if (!routed)
            {
                await Results.Problem(
                        $"The workflows API is not available: the gateway does not know the Result Processor's address. Set {ServiceAddressKey.Replace(":", "__", StringComparison.Ordinal)} " +
                        $"(the AppHost does), or a ReverseProxy cluster '{ClusterId}'.",
                        statusCode: StatusCodes.Status503ServiceUnavailable)
                    .ExecuteAsync(context);
                return;
            }

            // The key is the gateway's business: the Result Processor never sees it.
            context.Request.Headers.Authorization = StringValues.Empty;
            await next(context);
        }));
        return app;
    }

    /// <summary>What to add to YARP, and whether any route will serve the path.</summary>
    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters, bool Routed) Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("ReverseProxy");
        var routeConfigured = section.GetSection($"Routes:{RouteId}").Exists();
        var clusterConfigured = section.GetSection($"Clusters:{ClusterId}").Exists();
        var address = configuration[ServiceAddressKey];

        var clusters = new List<ClusterConfig>();
        if (!clusterConfigured && !string.IsNullOrWhiteSpace(address))
        {
            clusters.Add(new ClusterConfig
            {
                ClusterId = ClusterId,
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase)
                {
                    [ResourceNames.ResultProcessor] = new() { Address = address },
                },
            });
        }

        var routes = new List<RouteConfig>();
        if (!routeConfigured && (clusterConfigured || clusters.Count > 0))
        {
            routes.Add(new RouteConfig
            {
                RouteId = RouteId,
                ClusterId = ClusterId,
                Match = new RouteMatch { Path = PathPrefix + "/{**rest}" },
            });
        }

        return (routes, clusters, routeConfigured || routes.Count > 0);
    }
}
