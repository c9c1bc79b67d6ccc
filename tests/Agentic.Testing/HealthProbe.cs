using Agentic.ServiceDefaults;

namespace Agentic.Testing;

/// <summary><c>GET /health</c> against a service: healthy only on 200.</summary>
public sealed class HealthProbe : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>True on 200, false on any other status, null when nothing answered.</summary>
    public async Task<bool?> CheckAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetAsync(new Uri(baseUrl, HealthEndpoints.Readiness), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.StatusCode == System.Net.HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _client.Dispose();
}
