namespace BackupOperator.Operator.Runtime;

/// <summary>
/// Wakes another object of the same kind now, e.g. the backups that waited for a cluster the
/// current one just freed (KubeOps' EntityRequeue, controller-runtime's event handler mapping).
/// </summary>
public interface IEntityRequeue<in TEntity>
{
    void Requeue(NamespacedName key);
}
