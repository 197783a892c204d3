using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>The controller's business: level-based, always given the latest cached object.</summary>
public interface IEntityController<in T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    Task<ReconcileOutcome> ReconcileAsync(T resource, CancellationToken cancellationToken);

    Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken);
}
