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
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public int PerEndpoint { get; } = perEndpoint >= 1 ? perEndpoint : throw new ArgumentOutOfRangeException(nameof(perEndpoint));

    /// <summary>Requests to <paramref name="endpoint"/>'s server in flight right now.</summary>
    public int InFlight(Uri endpoint) => _gates.TryGetValue(Key(endpoint), out var gate) ? PerEndpoint - gate.CurrentCount : 0;

    /// <summary>Waits for a slot on <paramref name="endpoint"/>'s server; disposing the result frees it.</summary>
    public async ValueTask<IDisposable> EnterAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(Key(endpoint), _ => new SemaphoreSlim(PerEndpoint, PerEndpoint));
        await gate.WaitAsync(cancellationToken);
        return new ReleaseOnce(() => gate.Release());
    }

    private static string Key(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority);
}
