using System.Collections.Concurrent;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// At most <see cref="PerEndpoint"/> requests in flight to one OCP server (scheme, host and port),
/// whichever connection, credentials or backup they belong to: backups of different clusters overlap
/// while each waits on OCP, and OCP itself never sees more than this from the operator. A request
/// waits for a slot before it is sent, so a wait that is cancelled never reached OCP.
/// </summary>
public sealed class OcpEndpointLimiter(int perEndpoint)
{
    // One gate per OCP server ever used: a handful, so they are kept for the life of the process.
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.OrdinalIgnoreCase);

    public int PerEndpoint { get; } = perEndpoint >= 1 ? perEndpoint : throw new ArgumentOutOfRangeException(nameof(perEndpoint));

    /// <summary>Requests to <paramref name="endpoint"/>'s server in flight right now.</summary>
    public int InFlight(Uri endpoint) => _gates.TryGetValue(Key(endpoint), out var gate) ? PerEndpoint - gate.Slots.CurrentCount : 0;

    /// <summary>Requests to <paramref name="endpoint"/>'s server waiting for a slot right now (not sent yet).</summary>
    public int Waiting(Uri endpoint) => _gates.TryGetValue(Key(endpoint), out var gate) ? Volatile.Read(ref gate.Waiting) : 0;

    /// <summary>Waits for a slot on <paramref name="endpoint"/>'s server; disposing the result frees it.</summary>
    public async ValueTask<IDisposable> EnterAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(Key(endpoint), _ => new Gate(PerEndpoint));
        Interlocked.Increment(ref gate.Waiting);
        try
        {
            await gate.Slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref gate.Waiting);
        }

        return new ReleaseOnce(() => gate.Slots.Release());
    }

    private static string Key(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority);

    private sealed class Gate(int slots)
    {
        // A field, not a property: Interlocked updates it in place.
        public int Waiting;

        public SemaphoreSlim Slots { get; } = new(slots, slots);
    }
}
