using System.Collections.Concurrent;

namespace BackupOperator.Operator.Reconciliation;

/// <summary>
/// This process's memory of intents. Two things it knows that status cannot:
/// an intent this process wrote and has not sent (nobody sent it: the task lookup is skipped, so a
/// backup someone started just before is not mistaken for ours), and when this process first saw
/// an intent it did not write (after a restart or a leader change). A POST from the previous
/// owner may still be on its way into OCP then, so a new POST waits a quiet period from that moment
/// (<see cref="ReconcileOptions.RecoveryQuietPeriod"/>), looking up OCP's tasks meanwhile.
/// Cleared when leadership is lost: another replica may have acted since.
/// </summary>
public sealed class SubmissionJournal
{
    private readonly ConcurrentDictionary<string, byte> _unsent = new();
    private readonly ConcurrentDictionary<string, DateTime> _firstSeen = new();

    public void IntentRecorded(string requestId) => _unsent[requestId] = 0;

    public void PostAttempted(string requestId)
    {
        _unsent.TryRemove(requestId, out _);
        _firstSeen.TryRemove(requestId, out _);
    }

    /// <summary>False only for an intent of this process whose POST was never attempted.</summary>
    public bool MayHaveBeenSent(string requestId) => !_unsent.ContainsKey(requestId);

    /// <summary>When this process first met an intent it did not write; null for its own intents.</summary>
    public DateTime? FirstSeenForeign(string requestId, DateTime now) =>
        _unsent.ContainsKey(requestId) ? null : _firstSeen.GetOrAdd(requestId, now);

    /// <summary>The intent is settled (accepted, adopted, refused, or given up): nothing to remember.</summary>
    public void Forget(string requestId)
    {
        _unsent.TryRemove(requestId, out _);
        _firstSeen.TryRemove(requestId, out _);
    }

    public int Count => _unsent.Count + _firstSeen.Count;

    /// <summary>After leadership was lost, another replica may have sent anything: trust nothing remembered.</summary>
    public void Clear()
    {
        _unsent.Clear();
        _firstSeen.Clear();
    }
}
