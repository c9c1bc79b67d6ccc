using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Agentic.StandIns.GitHub;

/// <summary>
/// The second host job-log downloads redirect to, like GitHub's blob storage: it serves a log only for a valid,
/// unexpired signature in the URL and refuses requests that carry an Authorization header.
/// </summary>
internal sealed class LogStorage(GitHubStandIn server)
{
    public void Map(WebApplication app)
    {
        app.MapGet("/actions-results/job-logs/{id:long}.txt", ServeAsync);
        app.MapFallback((HttpContext http) => Error(http, StatusCodes.Status404NotFound, "ResourceNotFound", "The specified resource does not exist."));
    }

    private async Task ServeAsync(HttpContext http, long id)
    {
        var request = http.Request;
        var hadAuthorization = request.Headers.Authorization.Count > 0;
        if (hadAuthorization)
        {
            server.Record(new StandInLogDownload(id, StatusCodes.Status400BadRequest, true));
            await Error(http, StatusCodes.Status400BadRequest, "InvalidAuthenticationInfo", "Authentication information is not given in the correct format. A signed URL takes no Authorization header.");
            return;
        }

        var expires = long.TryParse(request.Query["se"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var se) ? se : 0;
        var signature = request.Query["sig"].ToString();
        var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(server.SignLog(id, expires)))
            && DateTimeOffset.FromUnixTimeSeconds(expires) > server.Now;
        if (!valid)
        {
            server.Record(new StandInLogDownload(id, StatusCodes.Status403Forbidden, false));
            await Error(http, StatusCodes.Status403Forbidden, "AuthenticationFailed", "Server failed to authenticate the request. The signature is invalid or expired.");
            return;
        }

        string? log;
        lock (server.Gate)
        {
            log = server.FindJobLog(id);
        }

        if (log is null)
        {
            server.Record(new StandInLogDownload(id, StatusCodes.Status404NotFound, false));
            await Error(http, StatusCodes.Status404NotFound, "BlobNotFound", "The specified blob does not exist.");
            return;
        }

        server.Record(new StandInLogDownload(id, StatusCodes.Status200OK, false));
        var bytes = Encoding.UTF8.GetBytes(log);
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private static Task Error(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/xml";
        return http.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>", http.RequestAborted);
    }
}
