using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Agentic.GitHub.Http;

/// <summary>
/// Keeps one credential within GitHub's limits: waits while the primary budget is spent (until
/// <c>x-ratelimit-reset</c>) or a secondary limit asked for a pause, and spaces content-creating requests apart.
/// Every wait goes through the <see cref="TimeProvider"/>. The cap on concurrent requests is the pipeline's, one for
/// all credentials (<see cref="GitHubHttpPipeline"/>).
/// </summary>
internal sealed class RateLimitGovernor(string credential, GitHubRateLimitOptions options, TimeProvider time, GitHubClientMetrics metrics, ILogger logger)
    : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _lock = new();
    private DateTimeOffset _nextWriteAt = DateTimeOffset.MinValue;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;
    private long? _remaining;

    /// <summary>The last reported remaining budget (null before the first answer).</summary>
    public long? Remaining
    {
        get
        {
            lock (_lock)
            {
                return _remaining;
            }
        }
    }

    /// <summary>Returns when this credential may send: no pause in force and, for a write, the spacing kept.</summary>
    public async ValueTask WaitForTurnAsync(bool isWrite, CancellationToken cancellationToken)
    {
        await WaitWhilePausedAsync(cancellationToken);
        if (isWrite)
        {
            await SpaceWriteAsync(cancellationToken);
        }
    }

    /// <summary>Takes in the rate-limit headers of an answer.</summary>
    public void Observe(HttpResponseHeaders headers)
    {
        if (!TryReadLong(headers, "x-ratelimit-remaining", out var remaining) || !TryReadLong(headers, "x-ratelimit-reset", out var reset))
        {
            return;
        }

        var resetAt = DateTimeOffset.FromUnixTimeSeconds(reset);
        lock (_lock)
        {
            if (resetAt > _resetAt)
            {
                _resetAt = resetAt;
                _remaining = remaining;
            }
            else if (resetAt == _resetAt)
            {
                _remaining = Math.Min(_remaining ?? long.MaxValue, remaining);
            }
        }
    }

    /// <summary>Holds every request of this credential until <paramref name="until"/>.</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        lock (_lock)
        {
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }
    }

    /// <summary>When the primary budget is known to be spent: its reset (plus margin); otherwise null.</summary>
    public DateTimeOffset? ExhaustedUntil()
    {
        lock (_lock)
        {
            return _remaining == 0 ? _resetAt + options.ResetMargin : null;
        }
    }

    public void Dispose() => _writeGate.Dispose();

    private async Task WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            DateTimeOffset until;
            lock (_lock)
            {
                until = _pausedUntil;
                if (_remaining == 0 && _resetAt + options.ResetMargin > until)
                {
                    until = _resetAt + options.ResetMargin;
                }
            }

            var delay = until - time.GetUtcNow();
            if (delay <= TimeSpan.Zero)
            {
                return;
            }

            metrics.OnRateLimitWait();
            GitHubClientLog.WaitingForRateLimit(logger, credential, delay);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private async Task SpaceWriteAsync(CancellationToken cancellationToken)
    {
        if (options.MinimumWriteInterval <= TimeSpan.Zero)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var delay = _nextWriteAt - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                metrics.OnThrottledWrite();
                GitHubClientLog.SpacingWrite(logger, credential, delay);
                await Task.Delay(delay, time, cancellationToken);
            }

            _nextWriteAt = time.GetUtcNow() + options.MinimumWriteInterval;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static bool TryReadLong(HttpResponseHeaders headers, string name, out long value)
    {
        value = 0;
        return headers.TryGetValues(name, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
