using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>What a controller adds to the runtime's defaults for its kind's cache.</summary>
public sealed class ControllerSettings<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>An index over the cache (see <see cref="IResourceCache{T}.ListByIndex"/>); none by default.</summary>
    public Func<TEntity, string>? Index { get; set; }

    /// <summary>A cluster-scoped kind is watched cluster-wide, whatever Controller:Namespaces says.</summary>
    public bool ClusterScoped { get; set; }

    /// <summary>Shapes each object as it enters the cache, after managedFields and last-applied-configuration are dropped.</summary>
    public Func<TEntity, TEntity>? Transform { get; set; }
}
