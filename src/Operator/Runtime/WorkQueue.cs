using System.Threading.Channels;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// controller-runtime's work queue: a key is queued at most once (dirty set) and handed to at most
/// one worker at a time (processing set); a key added while it is processed is queued again when
/// the worker calls <see cref="Done"/>. Delays and per-key exponential backoff use the TimeProvider.
/// </summary>
public class WorkQueue<TKey>(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null) : IDisposable
    where TKey : notnull
{
    private const int TrimAbove = 1024;
    private readonly object _gate = new();
    private readonly Channel<TKey> _ready = Channel.CreateUnbounded<TKey>();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, DateTimeOffset> _queuedAt = [];
    private readonly Dictionary<TKey, (ITimer Timer, DateTimeOffset Due)> _delayed = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly TimeSpan _base = baseDelay ?? TimeSpan.FromSeconds(1);
    private readonly TimeSpan _max = maxDelay ?? TimeSpan.FromMinutes(5);
    private bool _shutDown;

    /// <summary>How long a key waited between being queued and being taken.</summary>
    public event Action<TKey, TimeSpan>? Dequeued;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _dirty.Count;
            }
        }
    }

    /// <summary>How many keys the queue's bookkeeping has room for (it grows with a burst and shrinks once it drains).</summary>
    internal int Capacity
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(_queuedAt.Capacity, _dirty.Capacity);
            }
        }
    }

    /// <summary>Keys waiting for a delay or a backoff to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _delayed.Count;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shutDown || !_dirty.Add(key))
            {
                return;
            }

            _queuedAt[key] = time.GetUtcNow();
            if (!_processing.Contains(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>Adds the key after <paramref name="delay"/>; an earlier pending add wins over a later one.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            var due = time.GetUtcNow() + delay;
            if (_shutDown || (_delayed.TryGetValue(key, out var pending) && pending.Due <= due))
            {
                return;
            }

            pending.Timer?.Dispose();
            var timer = time.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (timer, due);
        }
    }

    /// <summary>Adds the key after a backoff that doubles with each consecutive failure of that key.</summary>
    public void AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            var ticks = _base.Ticks * Math.Pow(2, Math.Min(failures, 30));
            delay = ticks >= _max.Ticks ? _max : TimeSpan.FromTicks((long)ticks);
        }

        AddAfter(key, delay);
    }

    /// <summary>Forgets the failures of a key (after a successful reconcile).</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>The next key; (default, true) once the queue is shut down.</summary>
    public async ValueTask<(TKey Key, bool ShutDown)> GetAsync(CancellationToken cancellationToken)
    {
        while (await _ready.Reader.WaitToReadAsync(cancellationToken))
        {
            if (!_ready.Reader.TryRead(out var key))
            {
                continue;
            }

            TimeSpan waited;
            lock (_gate)
            {
                if (!_dirty.Remove(key))
                {
                    continue;
                }

                _processing.Add(key);
                waited = _queuedAt.Remove(key, out var at) ? time.GetUtcNow() - at : TimeSpan.Zero;
                if (_dirty.Count == 0 && _queuedAt.Capacity > TrimAbove)
                {
                    // A burst is over (the first list of a long history queues every object): give back what it sized the sets for.
                    _dirty.TrimExcess();
                    _queuedAt.TrimExcess();
                }
            }

            Dequeued?.Invoke(key, waited);
            return (key, false);
        }

        return (default!, true);
    }

    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shutDown)
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void ShutDown()
    {
        lock (_gate)
        {
            _shutDown = true;
            foreach (var (timer, _) in _delayed.Values)
            {
                timer.Dispose();
            }

            _delayed.Clear();
            _ready.Writer.TryComplete();
        }
    }

    private void Fire(TKey key, DateTimeOffset due)
    {
        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var pending) || pending.Due != due)
            {
                return;
            }

            pending.Timer.Dispose();
            _delayed.Remove(key);
        }

        Add(key);
    }

    public void Dispose()
    {
        ShutDown();
        GC.SuppressFinalize(this);
    }
}
