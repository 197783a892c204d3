using System.Collections.Concurrent;

namespace BackupOperator.Operator.Reconciliation;

/// <summary>
/// This process's memory of the intents it wrote and the POSTs it sent. When this process wrote
/// an intent and has not sent its POST yet, nobody has (only the leader acts), so the task lookup
/// can be skipped — which keeps a backup someone else started just before from being mistaken for
/// ours. After a restart or a leader change the journal is empty and every intent is looked up.
/// </summary>
public sealed class SubmissionJournal
{
    private readonly ConcurrentDictionary<string, byte> _intents = new();

    public void IntentRecorded(string requestId) => _intents[requestId] = 0;

    /// <summary>From the first POST on, only OCP's task list can tell: the entry is dropped, which keeps the journal small.</summary>
    public void PostAttempted(string requestId) => _intents.TryRemove(requestId, out _);

    /// <summary>False only for an intent of this process whose POST was never attempted.</summary>
    public bool MayHaveBeenSent(string requestId) => !_intents.ContainsKey(requestId);

    public int Count => _intents.Count;

    /// <summary>After leadership was lost, another replica may have sent anything: trust nothing remembered.</summary>
    public void Clear() => _intents.Clear();
}
