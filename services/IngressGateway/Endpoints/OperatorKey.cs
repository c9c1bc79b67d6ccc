using System.Security.Cryptography;
using System.Text;
using Agentic.IngressGateway.Options;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>
/// The operator endpoints' gate: bearer <c>Inbox:OperatorApiKey</c>, compared in constant time. With no key configured
/// the endpoints do not exist (404), so an unconfigured gateway exposes nothing.
/// </summary>
public static class OperatorKey
{
    /// <summary>Null when the request carries the operator key; otherwise the 404 or 401 to answer.</summary>
    public static IResult? Check(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.RequestServices.GetRequiredService<IOptions<InboxOptions>>().Value.OperatorApiKey;
        if (key.Length == 0)
        {
            return Results.Problem("Operator endpoints are disabled: set Inbox__OperatorApiKey.", statusCode: StatusCodes.Status404NotFound);
        }

        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : string.Empty;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key)))
        {
            return Results.Problem("A valid operator key is required (Authorization: Bearer ...).", statusCode: StatusCodes.Status401Unauthorized);
        }

        return null;
    }

    /// <summary>An endpoint filter for minimal-API operator endpoints.</summary>
    public static async ValueTask<object?> RequireAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return Check(context.HttpContext) ?? await next(context);
    }
}
