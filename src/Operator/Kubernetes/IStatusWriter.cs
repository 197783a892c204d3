using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Writes a custom resource's status subresource.</summary>
public interface IStatusWriter<TEntity, in TStatus>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// Writes <paramref name="status"/> to the status subresource, only if the resource is still at the
    /// resourceVersion it was read at; returns the stored object. Throws <see cref="StatusConflictException"/>
    /// when someone else wrote first, <see cref="ResourceGoneException"/> when the resource was deleted.
    /// </summary>
    Task<TEntity> WriteAsync(TEntity resource, TStatus status, CancellationToken cancellationToken);
}
