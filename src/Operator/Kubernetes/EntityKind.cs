using System.Reflection;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Group, version and plural of a custom resource type, read once from its [KubernetesEntity].</summary>
internal static class EntityKind<T>
{
    public static KubernetesEntityAttribute Attribute { get; } = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
        ?? throw new InvalidOperationException($"{typeof(T).Name} has no [KubernetesEntity]");
}
