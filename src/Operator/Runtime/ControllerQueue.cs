namespace BackupOperator.Operator.Runtime;

/// <summary>
/// The work queue of one resource kind's controller. A type of its own per kind, so that two
/// controllers in one process never share a queue, and the controller can wake a key without
/// holding the queue itself (see <see cref="IEntityRequeue{TEntity}"/>).
/// </summary>
public sealed class ControllerQueue<TEntity>(TimeProvider time) : WorkQueue<NamespacedName>(time), IEntityRequeue<TEntity>
{
    public void Requeue(NamespacedName key) => Add(key);
}
