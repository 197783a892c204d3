using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Creates one custom resource; the name is the idempotence key.</summary>
public interface IResourceCreator<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// The stored object, or null when an object of that name already exists (AlreadyExists: the
    /// work the name stands for was done before). Any other refusal is a <see cref="ResourceNotCreatedException"/>.
    /// </summary>
    Task<T?> CreateAsync(T resource, CancellationToken cancellationToken);
}
