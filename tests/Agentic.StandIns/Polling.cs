namespace Agentic.StandIns;

/// <summary>
/// Waits for a condition by polling it, never for a test harness to go quiet: MassTransit's harness reports idle while
/// a consumer awaits something slow (a model, a process), after which its <c>Any</c> queries stop waiting.
/// </summary>
public static class Polling
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Whether <paramref name="condition"/> held within <paramref name="timeout"/> (default 30 s).</summary>
    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout);
    }

    /// <summary>Whether <paramref name="condition"/> (asked again every 20 ms once it answers) held within <paramref name="timeout"/> (default 30 s).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
