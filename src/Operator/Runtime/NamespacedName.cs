using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>The key of a namespaced resource in the cache and the work queue.</summary>
public readonly record struct NamespacedName(string Namespace, string Name)
{
    public static NamespacedName From(IKubernetesObject<V1ObjectMeta> resource) =>
        new(resource.Metadata.NamespaceProperty ?? string.Empty, resource.Metadata.Name);

    public override string ToString() => $"{Namespace}/{Name}";
}
