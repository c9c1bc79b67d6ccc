using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Agentic.StandIns.GitHub;

/// <summary>An answer of the stand-in's API: status, GitHub-shaped JSON and headers; the gate adds ETag and rate-limit headers.</summary>
internal sealed class ApiResponse(int status, JsonNode? body) : IResult
{
    private byte[]? _payload;

    public int Status { get; } = status;

    public JsonNode? Body { get; } = body;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[]? Payload => Body is null ? null : _payload ??= Encoding.UTF8.GetBytes(Body.ToJsonString());

    public static ApiResponse Ok(JsonNode body) => new(StatusCodes.Status200OK, body);

    public static ApiResponse Created(JsonNode body) => new(StatusCodes.Status201Created, body);

    public static ApiResponse NoContent() => new(StatusCodes.Status204NoContent, null);

    public static ApiResponse NotModified(string etag)
    {
        var response = new ApiResponse(StatusCodes.Status304NotModified, null);
        response.Headers["ETag"] = etag;
        return response;
    }

    public static ApiResponse Redirect(string location)
    {
        var response = new ApiResponse(StatusCodes.Status302Found, null);
        response.Headers["Location"] = location;
        return response;
    }

    public static ApiResponse Error(int status, string message, JsonArray? errors = null, string? documentationUrl = null) =>
        new(status, GitHubShapes.Error(message, documentationUrl, status, errors));

    public static ApiResponse NotFound() => Error(StatusCodes.Status404NotFound, "Not Found");

    /// <summary>422 "Validation Failed" with one <c>errors</c> entry.</summary>
    public static ApiResponse Invalid(string resource, string field, string code, string? message = null)
    {
        var error = new JsonObject { ["resource"] = resource, ["field"] = field, ["code"] = code };
        if (message is not null)
        {
            error["message"] = message;
        }

        return Error(StatusCodes.Status422UnprocessableEntity, "Validation Failed", [error]);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (Payload is { } payload && Status != StatusCodes.Status304NotModified)
        {
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = payload.Length;
            await response.Body.WriteAsync(payload, httpContext.RequestAborted);
        }
    }
}
