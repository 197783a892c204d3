using System.Reflection;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// Who controls an object: its ownerReference with controller: true. The owner index of a child
/// kind's cache (see <see cref="ControllerSettings{TEntity}.Owns{TChild}"/>) is keyed by the
/// owner's namespace/name, as controller-runtime's CronJob example indexes Jobs by owner.
/// </summary>
public static class Owners
{
    /// <summary>The name of the index, in a child kind's cache, of the objects a <typeparamref name="TOwner"/> controls.</summary>
    public static string IndexName<TOwner>() => "owner:" + OwnerKind<TOwner>.ApiVersion + "/" + OwnerKind<TOwner>.Kind;

    /// <summary>The <typeparamref name="TOwner"/> that controls <paramref name="child"/> (same namespace), or null.</summary>
    public static NamespacedName? ControllerOf<TOwner>(IKubernetesObject<V1ObjectMeta> child) =>
        ControllerReference<TOwner>(child) is { } owner ? new NamespacedName(child.Metadata.NamespaceProperty ?? string.Empty, owner.Name) : null;

    /// <summary>The children of <paramref name="owner"/> in <paramref name="cache"/>: indexed by its name and controlled by this very object (its uid).</summary>
    public static IReadOnlyList<TChild> ListOwned<TOwner, TChild>(IResourceCache<TChild> cache, TOwner owner)
        where TOwner : IKubernetesObject<V1ObjectMeta>
        where TChild : IKubernetesObject<V1ObjectMeta> =>
        cache.ListByIndex(IndexName<TOwner>(), NamespacedName.From(owner).ToString())
            .Where(c => ControllerReference<TOwner>(c)?.Uid == owner.Metadata.Uid)
            .ToList();

    /// <summary>
    /// The ownerReference that makes <paramref name="owner"/> the controller of a new child, so Kubernetes'
    /// garbage collector deletes the child with its owner. Without blockOwnerDeletion, which would need
    /// update on the owner's finalizers where OwnerReferencesPermissionEnforcement is on: a foreground
    /// deletion of the owner does not wait for its children.
    /// </summary>
    public static V1OwnerReference ControllerReferenceTo<TOwner>(TOwner owner)
        where TOwner : IKubernetesObject<V1ObjectMeta> =>
        new()
        {
            ApiVersion = OwnerKind<TOwner>.ApiVersion,
            Kind = OwnerKind<TOwner>.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
        };

    private static V1OwnerReference? ControllerReference<TOwner>(IKubernetesObject<V1ObjectMeta> child) =>
        child.Metadata.OwnerReferences?.FirstOrDefault(r =>
            r.Controller == true && r.Kind == OwnerKind<TOwner>.Kind && r.ApiVersion == OwnerKind<TOwner>.ApiVersion);

    private static class OwnerKind<TOwner>
    {
        private static readonly KubernetesEntityAttribute Attribute = typeof(TOwner).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{typeof(TOwner).Name} has no [KubernetesEntity]");

        public static string Kind { get; } = Attribute.Kind;

        public static string ApiVersion { get; } = string.IsNullOrEmpty(Attribute.Group) ? Attribute.ApiVersion : $"{Attribute.Group}/{Attribute.ApiVersion}";
    }
}
