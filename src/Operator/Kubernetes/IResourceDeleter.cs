using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Deletes one custom resource, if it is still the same object.</summary>
public interface IResourceDeleter<in T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    Task DeleteAsync(T resource, CancellationToken cancellationToken);
}
