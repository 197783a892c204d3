using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>What a reconcile asks of the loop: nothing more, or another look after a while.</summary>
public sealed record ReconcileOutcome(TimeSpan? RequeueAfter)
{
    public static ReconcileOutcome Done { get; } = new((TimeSpan?)null);

    public static ReconcileOutcome Requeue(TimeSpan after) => new(after);
}
