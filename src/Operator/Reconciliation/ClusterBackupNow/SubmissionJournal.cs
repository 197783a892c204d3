using System.Collections.Concurrent;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// This process's memory of intents and tasks, each entry kept for at most
/// <see cref="Retention"/> (a failed intent write or a deleted resource leaves nothing behind for good).
/// <list type="bullet">
/// <item>An intent this process wrote and has not sent: nobody sent it, so the task lookup is skipped
/// and a backup someone started just before is not mistaken for ours. Forgetting it early is safe:
/// the lookup then simply runs.</item>
/// <item>When this process first saw an intent it did not write (after a restart or a leader
/// change): a POST from the previous owner may still be on its way into OCP, so a new POST waits a
/// quiet period from that moment (<see cref="ReconcileOptions.RecoveryQuietPeriod"/>).</item>
/// <item>When this process first found an intent's grant withdrawn: the backup is failed only if the
/// denial still holds <see cref="ReconcileOptions.DenialConfirmation"/> later (a 403 of an API server that
/// is starting is not a revocation). Forgetting it early only delays the failure.</item>
/// <item>Task ids recorded by any resource this process has seen, per cluster (OCP and cluster id:
/// two OCPs number their tasks alike), with the resource
/// that recorded them (its uid), so that a task a resource recorded is never adopted by another,
/// even after that resource was deleted, and is still found by its own resource when the status
/// write that should have recorded it was refused.</item>
/// </list>
/// Intents are cleared when leadership is lost (another replica may have acted since); task claims
/// are facts about OCP and are kept.
/// </summary>
public sealed class SubmissionJournal
{
    /// <summary>How long an entry is kept. Far longer than any quiet period or adoption window.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTime> _unsent = new();
    private readonly ConcurrentDictionary<string, DateTime> _firstSeen = new();
    private readonly ConcurrentDictionary<string, DateTime> _firstDenied = new();
    private readonly ConcurrentDictionary<(OcpCluster Cluster, long TaskId), Claimant> _claims = new();
    private long _lastSweepTicks;

    public void IntentRecorded(string requestId, DateTime now)
    {
        Sweep(now);
        _unsent[requestId] = now;
    }

    public void PostAttempted(string requestId)
    {
        _unsent.TryRemove(requestId, out _);
        _firstSeen.TryRemove(requestId, out _);
    }

    /// <summary>False only for an intent of this process whose POST was never attempted.</summary>
    public bool MayHaveBeenSent(string requestId) => !_unsent.ContainsKey(requestId);

    /// <summary>When this process first met an intent it did not write; null for its own intents.</summary>
    public DateTime? FirstSeenForeign(string requestId, DateTime now)
    {
        Sweep(now);
        return _unsent.ContainsKey(requestId) ? null : _firstSeen.GetOrAdd(requestId, now);
    }

    /// <summary>When this process first found the intent's grant withdrawn, in the denial that still lasts.</summary>
    public DateTime FirstDenied(string requestId, DateTime now)
    {
        Sweep(now);
        return _firstDenied.GetOrAdd(requestId, now);
    }

    /// <summary>The grant holds (again): a later denial starts its confirmation afresh.</summary>
    public void GrantHeld(string requestId) => _firstDenied.TryRemove(requestId, out _);

    /// <summary>The intent is settled (accepted, adopted, refused, or given up): nothing to remember.</summary>
    public void Forget(string requestId)
    {
        _unsent.TryRemove(requestId, out _);
        _firstSeen.TryRemove(requestId, out _);
        _firstDenied.TryRemove(requestId, out _);
    }

    /// <summary>The resource <paramref name="owner"/> (its uid) recorded these tasks of the cluster (or this process received them from OCP for it).</summary>
    public void Claim(OcpCluster cluster, IEnumerable<long> taskIds, DateTime now, string? owner)
    {
        Sweep(now);
        foreach (var id in taskIds)
        {
            // The first owner stays the owner; a later claim only keeps the entry fresh.
            _claims.AddOrUpdate((cluster, id), new Claimant(now, owner), (_, old) => old with { At = now });
        }
    }

    /// <summary>True for a task claimed by a resource other than <paramref name="owner"/>.</summary>
    public bool IsClaimed(OcpCluster cluster, long taskId, string? owner) =>
        _claims.TryGetValue((cluster, taskId), out var claim) && (owner is null || claim.Owner != owner);

    public int Count => _unsent.Count + _firstSeen.Count + _firstDenied.Count + _claims.Count;

    /// <summary>After leadership was lost, another replica may have sent anything: trust no remembered intent.</summary>
    public void Clear()
    {
        _unsent.Clear();
        _firstSeen.Clear();
        _firstDenied.Clear();
    }

    private void Sweep(DateTime now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.Ticks - last < SweepInterval.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.Ticks, last) != last)
        {
            return;
        }

        var oldest = now - Retention;
        Evict(_unsent, oldest);
        Evict(_firstSeen, oldest);
        Evict(_firstDenied, oldest);
        foreach (var (key, claim) in _claims)
        {
            if (claim.At < oldest)
            {
                _claims.TryRemove(key, out _);
            }
        }
    }

    private readonly record struct Claimant(DateTime At, string? Owner);

    private static void Evict<TKey>(ConcurrentDictionary<TKey, DateTime> entries, DateTime oldest)
        where TKey : notnull
    {
        foreach (var (key, at) in entries)
        {
            if (at < oldest)
            {
                entries.TryRemove(key, out _);
            }
        }
    }
}
