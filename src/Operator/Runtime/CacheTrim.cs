using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// What the cache never needs of an object: its managedFields (server-side apply bookkeeping, often
/// larger than the object itself) and kubectl's last-applied-configuration (a second copy of the
/// spec). Dropped as objects enter the cache, as controller-runtime's TransformStripManagedFields
/// does, so memory grows with what the operator uses, not with the history of writes.
/// </summary>
public static class CacheTrim
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public static T Trim<T>(T resource)
        where T : IMetadata<V1ObjectMeta>
    {
        if (resource.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
            if (metadata.Annotations?.Remove(LastAppliedAnnotation) == true && metadata.Annotations.Count == 0)
            {
                metadata.Annotations = null;
            }
        }

        return resource;
    }
}
