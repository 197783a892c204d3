using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.Operator.Reconciliation.ClusterOcpConnection;

/// <summary>What one check decided: the status to write (null: unchanged), the event to record (null: none), when to check again.</summary>
public sealed record ConnectionDecision(ClusterOcpConnectionStatus? Status, ConnectionEvent? Event, TimeSpan RequeueAfter);

/// <summary>A Kubernetes Event to record on the connection.</summary>
public sealed record ConnectionEvent(bool Warning, string Reason, string Note);

/// <summary>
/// (connection, what the check found, now) → status, event, requeue. No I/O: the controller reads the
/// Secret and asks OCP, this decides what the status says about it.
/// </summary>
public static class ConnectionStatusDecision
{
    public static ConnectionDecision Decide(V1alpha1ClusterOcpConnection connection, ConnectionCheck check, DateTime now, ConnectionOptions options)
    {
        var current = connection.Status;
        var generation = connection.Metadata.Generation;
        var next = current?.Copy() ?? new ClusterOcpConnectionStatus();
        if (check.Ready)
        {
            next.SetReady(check.Message, now, generation);
        }
        else
        {
            next.SetNotReady(check.Reason, check.Message, now, generation);
        }

        var before = current.ReadyCondition();
        var after = next.ReadyCondition()!;
        // Told once per flip or new reason: a recheck that finds the same again stays silent.
        var tell = before is null || before.Status != after.Status || before.Reason != after.Reason
            ? new ConnectionEvent(!check.Ready, check.Reason, check.Message)
            : null;
        return new ConnectionDecision(StatusEquality.Same(current, next) ? null : next, tell, RequeueAfter(check.Ready, after, now, options));
    }

    /// <summary>
    /// Ready: the recheck interval. Not ready: as long as it has been failing (since lastTransitionTime),
    /// at least RetryInterval and at most MaxRetryInterval, so the waits double from RetryInterval
    /// (15 s, 15 s, 30 s, 1 min, ...) and survive a restart of the operator.
    /// </summary>
    public static TimeSpan RequeueAfter(bool ready, V1Condition readyCondition, DateTime now, ConnectionOptions options)
    {
        if (ready)
        {
            return options.RecheckInterval;
        }

        var failing = readyCondition.LastTransitionTime is { } since ? now - since : TimeSpan.Zero;
        var wait = failing > options.RetryInterval ? failing : options.RetryInterval;
        return wait < options.MaxRetryInterval ? wait : options.MaxRetryInterval;
    }
}
