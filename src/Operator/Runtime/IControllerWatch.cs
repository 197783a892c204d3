using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// Another kind whose changes wake <typeparamref name="TEntity"/> objects (controller-runtime's
/// Owns/Watches): started by the owner's loop, which also waits for its cache before reconciling.
/// </summary>
public interface IControllerWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Starts mapping changes to keys of <typeparamref name="TEntity"/>, passed to <paramref name="enqueue"/>.</summary>
    void Start(Action<NamespacedName> enqueue);

    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
