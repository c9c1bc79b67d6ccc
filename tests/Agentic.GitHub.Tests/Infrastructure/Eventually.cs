namespace Agentic.GitHub.Tests.Infrastructure;

/// <summary>Waits (in real time, bounded) for a condition that other threads make true; fails the test on timeout.</summary>
internal static class Eventually
{
    public static async Task That(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (limit.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }
}
