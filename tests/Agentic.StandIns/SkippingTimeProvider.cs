namespace Agentic.StandIns;

/// <summary>
/// A clock for tests that never really waits: every timer (and so every <c>Task.Delay(..., timeProvider)</c>) fires
/// at once and moves the clock to its due time. Code under test that waits for a rate-limit reset or a
/// <c>retry-after</c> completes immediately, and the test asserts on <see cref="Waits"/> and <see cref="GetUtcNow"/>.
/// Share one instance between a client and a stand-in so both see the same time.
/// </summary>
public sealed class SkippingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _waits = [];
    private DateTimeOffset _now = start;

    public SkippingTimeProvider()
        : this(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Every timer's due time, in the order the timers were created.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_lock)
            {
                return [.. _waits];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward (e.g. past a token's expiry).</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_lock)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SkippingTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private DateTimeOffset Schedule(TimeSpan dueTime)
    {
        lock (_lock)
        {
            _waits.Add(dueTime);
            return _now + dueTime;
        }
    }

    private void MoveTo(DateTimeOffset time)
    {
        lock (_lock)
        {
            if (time > _now)
            {
                _now = time;
            }
        }
    }

    private sealed class SkippingTimer(SkippingTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private int _generation;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var generation = Interlocked.Increment(ref _generation);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            var due = clock.Schedule(dueTime);
            // Fire on the thread pool, never inline: Task.Delay stores the timer only after CreateTimer returns.
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    if (Volatile.Read(ref _generation) != generation)
                    {
                        return;
                    }

                    clock.MoveTo(due);
                    callback(state);
                },
                null);
            return true;
        }

        public void Dispose() => Interlocked.Increment(ref _generation);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
