using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Agentic.StandIns.GitHub;

/// <summary>
/// git smart HTTP at <c>/{owner}/{repo}.git/...</c>, served by running <c>git http-backend</c> as a CGI program.
/// Pushes, and clones of private repositories, need HTTP Basic auth with a token as the password
/// (<c>x-access-token:&lt;installation token&gt;</c>), as on github.com.
/// </summary>
internal sealed class GitHttpBackend(GitHubStandIn server)
{
    public void Map(WebApplication app) =>
        app.Map("/{owner}/{repo}.git/{**rest}", ServeAsync);

    private async Task ServeAsync(HttpContext http, string owner, string repo, string? rest)
    {
        var request = http.Request;
        var service = request.Query["service"].ToString() is { Length: > 0 } advertised ? advertised : rest ?? "";
        var isWrite = service.EndsWith("git-receive-pack", StringComparison.Ordinal);
        var repository = server.FindRepository(owner, repo);
        if (repository is null)
        {
            server.Record(new StandInGitRequest($"{owner}/{repo}", service, isWrite, StatusCodes.Status404NotFound, null));
            await Plain(http, StatusCodes.Status404NotFound, "Repository not found.");
            return;
        }

        StandInCaller? caller = null;
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && header.Parameter is { } parameter
            && StandInApi.BasicPassword(parameter) is { } password)
        {
            caller = server.Authenticate(password);
        }

        if (caller is null && (isWrite || repository.Private))
        {
            server.Record(new StandInGitRequest(repository.FullName, service, isWrite, StatusCodes.Status401Unauthorized, null));
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            await Plain(http, StatusCodes.Status401Unauthorized, "Invalid username or token. Password authentication is not supported for Git operations.");
            return;
        }

        if (caller is not null && !GitHubStandIn.CanAccess(caller, repository))
        {
            server.Record(new StandInGitRequest(repository.FullName, service, isWrite, StatusCodes.Status404NotFound, caller.Login));
            await Plain(http, StatusCodes.Status404NotFound, "Repository not found.");
            return;
        }

        if (caller is { ContentsReadOnly: true } && isWrite)
        {
            server.Record(new StandInGitRequest(repository.FullName, service, isWrite, StatusCodes.Status403Forbidden, caller.Login));
            await Plain(http, StatusCodes.Status403Forbidden, $"Permission to {repository.FullName}.git denied to {caller.Login}.");
            return;
        }

        var status = await RunBackendAsync(http, repository, rest ?? "", caller);
        server.Record(new StandInGitRequest(repository.FullName, service, isWrite, status, caller?.Login));
    }

    private async Task<int> RunBackendAsync(HttpContext http, StandInRepository repository, string rest, StandInCaller? caller)
    {
        var request = http.Request;
        var cancellationToken = http.RequestAborted;
        var environment = new Dictionary<string, string>
        {
            ["GIT_PROJECT_ROOT"] = Path.Combine(server.WorkRoot, "repos"),
            ["GIT_HTTP_EXPORT_ALL"] = "1",
            ["GIT_HTTP_MAX_REQUEST_BUFFER"] = "100M",
            ["PATH_INFO"] = $"/{repository.Owner}/{repository.Name}.git/{rest}",
            ["REQUEST_METHOD"] = request.Method,
            ["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            ["CONTENT_TYPE"] = request.ContentType ?? "",
            ["REMOTE_ADDR"] = http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
            ["SERVER_PROTOCOL"] = request.Protocol,
        };
        if (caller is not null)
        {
            environment["REMOTE_USER"] = caller.Login;
        }

        if (request.ContentLength is { } length)
        {
            environment["CONTENT_LENGTH"] = length.ToString(CultureInfo.InvariantCulture);
        }

        if (request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            environment["HTTP_CONTENT_ENCODING"] = encoding;
        }

        if (request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol)
        {
            environment["GIT_PROTOCOL"] = protocol;
            environment["HTTP_GIT_PROTOCOL"] = protocol;
        }

        using var process = new Process { StartInfo = GitCommand.CreateStartInfo(server.WorkRoot, ["http-backend"], environment) };
        process.Start();
        try
        {
            return await BridgeAsync(http, process, cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                // The client went away mid-request: do not leave git http-backend behind.
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<int> BridgeAsync(HttpContext http, Process process, CancellationToken cancellationToken)
    {
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var input = PumpRequestAsync(http.Request.Body, process.StandardInput.BaseStream, cancellationToken);
        var output = process.StandardOutput.BaseStream;

        var (headers, remainder) = await ReadCgiHeadersAsync(output, cancellationToken);
        var status = StatusCodes.Status200OK;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(value.AsSpan(0, 3), NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
            else
            {
                http.Response.Headers.Append(name, value);
            }
        }

        http.Response.StatusCode = status;
        await http.Response.Body.WriteAsync(remainder, cancellationToken);
        await output.CopyToAsync(http.Response.Body, cancellationToken);
        await input;
        await process.WaitForExitAsync(cancellationToken);
        await errors;
        return status;
    }

    private static async Task PumpRequestAsync(Stream body, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await body.CopyToAsync(stdin, cancellationToken);
        }
        catch (IOException)
        {
            // http-backend stopped reading (e.g. it answered an error early); its output says why.
        }
        finally
        {
            await stdin.DisposeAsync();
        }
    }

    /// <summary>Reads the CGI header block (up to the blank line); returns the headers and the body bytes read past it.</summary>
    private static async Task<(List<(string Name, string Value)> Headers, byte[] Remainder)> ReadCgiHeadersAsync(Stream output, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var read = await output.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            var data = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var (end, separator) = FindHeaderEnd(data);
            if (end >= 0)
            {
                return (ParseHeaders(Encoding.ASCII.GetString(data[..end])), data[(end + separator)..].ToArray());
            }
        }

        var all = buffer.ToArray();
        var (headerEnd, length) = FindHeaderEnd(all);
        return headerEnd < 0 ? ([], all) : (ParseHeaders(Encoding.ASCII.GetString(all, 0, headerEnd)), all[(headerEnd + length)..]);
    }

    private static (int End, int SeparatorLength) FindHeaderEnd(ReadOnlySpan<byte> data)
    {
        var crlf = data.IndexOf("\r\n\r\n"u8);
        var lf = data.IndexOf("\n\n"u8);
        return (crlf, lf) switch
        {
            (>= 0, >= 0) => crlf < lf ? (crlf, 4) : (lf, 2),
            (>= 0, _) => (crlf, 4),
            (_, >= 0) => (lf, 2),
            _ => (-1, 0),
        };
    }

    private static List<(string Name, string Value)> ParseHeaders(string block) =>
        [.. block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Contains(':', StringComparison.Ordinal))
            .Select(line => (line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))];

    private static Task Plain(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message + "\n", http.RequestAborted);
    }
}
