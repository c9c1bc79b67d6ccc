namespace Agentic.StandIns;

/// <summary>
/// A clock for tests that never really waits. With <see cref="AutoAdvance"/> (the default) every timer, and so every
/// <c>Task.Delay(..., timeProvider)</c>, fires at once and moves the clock to its due time: code waiting for a
/// rate-limit reset or a <c>retry-after</c> completes immediately, and the test asserts on <see cref="Waits"/> and
/// the clock. Without it, timers fire only when the test calls <see cref="Advance"/>, for step-by-step control.
/// Share one instance between a client and a stand-in so both see the same time.
/// </summary>
public sealed class VirtualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _waits = [];
    private readonly List<(DateTimeOffset Due, VirtualTimer Timer, int Generation)> _pending = [];
    private DateTimeOffset _now = start;

    public VirtualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>True: timers fire at once, moving the clock. False: timers wait for <see cref="Advance"/>.</summary>
    public bool AutoAdvance { get; set; } = true;

    /// <summary>Every timer's due time, in the order the timers were set.</summary>
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

    /// <summary>Timers waiting for <see cref="Advance"/> (only without <see cref="AutoAdvance"/>).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
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

    /// <summary>Moves the clock forward and fires the timers that came due.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        List<(DateTimeOffset Due, VirtualTimer Timer, int Generation)> due;
        lock (_lock)
        {
            _now += by;
            due = [.. _pending.Where(p => p.Due <= _now).OrderBy(p => p.Due)];
            _pending.RemoveAll(p => p.Due <= _now);
        }

        foreach (var (_, timer, generation) in due)
        {
            timer.Fire(generation, null);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(VirtualTimer timer, int generation, TimeSpan dueTime)
    {
        DateTimeOffset due;
        lock (_lock)
        {
            _waits.Add(dueTime);
            due = _now + dueTime;
            if (!AutoAdvance && dueTime > TimeSpan.Zero)
            {
                _pending.Add((due, timer, generation));
                return;
            }
        }

        timer.Fire(generation, due);
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

    private sealed class VirtualTimer(VirtualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private int _generation;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var generation = Interlocked.Increment(ref _generation);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Schedule(this, generation, dueTime);
            }

            return true;
        }

        /// <summary>Fires on the thread pool, never inline: Task.Delay keeps the timer only after CreateTimer returns.</summary>
        public void Fire(int generation, DateTimeOffset? moveTo) =>
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    if (Volatile.Read(ref _generation) != generation)
                    {
                        return;
                    }

                    if (moveTo is { } time)
                    {
                        clock.MoveTo(time);
                    }

                    callback(state);
                },
                null);

        public void Dispose() => Interlocked.Increment(ref _generation);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
