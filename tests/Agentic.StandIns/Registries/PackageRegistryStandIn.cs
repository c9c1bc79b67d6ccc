using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.StandIns.Registries;

/// <summary>
/// The package registries' metadata APIs on loopback, answering as the real ones do: npm's packument
/// (<c>GET /npm/{name}</c>, a scoped name as <c>@scope%2fname</c> or <c>@scope/name</c>; 404 <c>{"error":"Not found"}</c>),
/// NuGet's flat container (<c>GET /nuget/v3-flatcontainer/{lowercased id}/index.json</c>; 404 otherwise) and PyPI's JSON
/// API (<c>GET /pypi/{normalised name}/json</c>; 404 <c>{"message":"Not Found"}</c>). Fed with the recorded payloads in
/// <c>Registries/Payloads</c> (see its README) or any added with <see cref="AddNpm"/>, <see cref="AddNuGet"/>,
/// <see cref="AddPyPi"/>. Every request path is recorded.
/// </summary>
public sealed class PackageRegistryStandIn : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _npm = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _nuget = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pypi = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _app;

    public PackageRegistryStandIn()
    {
        AddNpm("is-odd", Payload("npm-is-odd.json"));
        AddNuGet("Newtonsoft.Json", Payload("nuget-newtonsoft.json-index.json"));
        AddPyPi("requests", Payload("pypi-requests.json"));
    }

    /// <summary>The root, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What to configure as the npm registry (<c>…/npm/</c>).</summary>
    public Uri NpmUri => new(BaseUri, "npm/");

    /// <summary>What to configure as NuGet's flat container (<c>…/nuget/v3-flatcontainer/</c>).</summary>
    public Uri NuGetUri => new(BaseUri, "nuget/v3-flatcontainer/");

    /// <summary>What to configure as PyPI's JSON API root (<c>…/pypi/</c>).</summary>
    public Uri PyPiUri => new(BaseUri, "pypi/");

    /// <summary>Each request's path and query, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public void AddNpm(string name, string packument) => _npm[name] = packument;

    public void AddNuGet(string id, string index) => _nuget[id.ToLowerInvariant()] = index;

    public void AddPyPi(string name, string project) => _pypi[Normalise(name)] = project;

    /// <summary>A recorded payload from <c>Registries/Payloads</c>.</summary>
    public static string Payload(string file)
    {
        using var stream = typeof(PackageRegistryStandIn).Assembly.GetManifestResourceStream("Registries." + file)
            ?? throw new ArgumentException($"No recorded payload '{file}'.", nameof(file));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            _requests.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        _app.MapGet("/npm/{**name}", (string name) => Answer(_npm.TryGetValue(Uri.UnescapeDataString(name), out var body) ? body : null, """{"error":"Not found"}"""));
        _app.MapGet("/nuget/v3-flatcontainer/{id}/index.json", (string id) =>
            Answer(!id.Any(char.IsUpper) && _nuget.TryGetValue(id, out var body) ? body : null, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code></Error>", "application/xml"));
        _app.MapGet("/pypi/{name}/json", (string name) => Answer(_pypi.TryGetValue(Normalise(name), out var body) ? body : null, """{"message": "Not Found"}"""));
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.TrimEnd('/') + "/");
        return BaseUri;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static IResult Answer(string? body, string notFound, string notFoundType = "application/json") =>
        body is null ? Results.Text(notFound, notFoundType, statusCode: StatusCodes.Status404NotFound) : Results.Text(body, "application/json");

    /// <summary>PEP 503: lower case, runs of '-', '_' and '.' as one '-'.</summary>
    private static string Normalise(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name, "[-_.]+", "-").ToLowerInvariant();
}
