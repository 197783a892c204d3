using System.Globalization;
using System.Reflection;
using System.Text;
using k8s.Models;

namespace BackupOperator.KubeClient;

/// <summary>
/// Relative API paths of a resource kind (group, version, plural): the one place API paths are built,
/// for an entity type from its [KubernetesEntity], or for the built-in kinds below.
/// </summary>
public sealed record ResourcePath(string Group, string Version, string Plural)
{
    /// <summary>coordination.k8s.io/v1 Leases (leader election).</summary>
    public static ResourcePath Leases { get; } = new("coordination.k8s.io", "v1", "leases");

    /// <summary>core/v1 Secrets (the OCP credentials a connection names).</summary>
    public static ResourcePath Secrets { get; } = new("", "v1", "secrets");

    /// <summary>core/v1 Namespaces (cluster-scoped: <c>For(null, name)</c>).</summary>
    public static ResourcePath Namespaces { get; } = new("", "v1", "namespaces");

    /// <summary>events.k8s.io/v1 Events (what the operator records).</summary>
    public static ResourcePath Events { get; } = new("events.k8s.io", "v1", "events");

    /// <summary>core/v1 Events (what `kubectl describe` and the plugin's describe read).</summary>
    public static ResourcePath CoreEvents { get; } = new("", "v1", "events");

    /// <summary>rbac.authorization.k8s.io/v1 Roles.</summary>
    public static ResourcePath Roles { get; } = new("rbac.authorization.k8s.io", "v1", "roles");

    /// <summary>rbac.authorization.k8s.io/v1 RoleBindings.</summary>
    public static ResourcePath RoleBindings { get; } = new("rbac.authorization.k8s.io", "v1", "rolebindings");

    public static ResourcePath Of(KubernetesEntityAttribute kind) => new(kind.Group, kind.ApiVersion, kind.PluralName);

    /// <summary>The paths of the entity type <typeparamref name="T"/>, read once from its [KubernetesEntity].</summary>
    public static ResourcePath Of<T>() => Kind<T>.Path;

    /// <summary>The [KubernetesEntity] of <typeparamref name="T"/> (group, version, kind, plural).</summary>
    public static KubernetesEntityAttribute KindOf<T>() => Kind<T>.Attribute;

    /// <summary>The collection (no namespace: cluster-wide, or a cluster-scoped kind), or one object, or its subresource.</summary>
    public string For(string? ns, string? name = null, string? subresource = null)
    {
        var path = new StringBuilder(Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}");
        if (!string.IsNullOrEmpty(ns))
        {
            path.Append("/namespaces/").Append(Segment(ns));
        }

        path.Append('/').Append(Plural);
        if (name is not null)
        {
            path.Append('/').Append(Segment(name));
        }

        if (subresource is not null)
        {
            path.Append('/').Append(subresource);
        }

        return path.ToString();
    }

    /// <summary>
    /// One name as one path segment: escaped, and never empty, '.' or '..', which escaping leaves as they are and a
    /// URI resolves as a step up (`secrets/..` would read the namespace). The CRDs and the spec checks refuse such
    /// names first; this is the last line.
    /// </summary>
    public static string Segment(string name) =>
        name is "" or "." or ".." ? throw new ArgumentException($"'{name}' cannot name an object in an API path", nameof(name)) : Uri.EscapeDataString(name);

    /// <summary>A list page of at most <paramref name="limit"/> objects.</summary>
    public string List(string? ns, int limit, string? continueToken) =>
        For(ns) + string.Create(CultureInfo.InvariantCulture, $"?limit={limit}")
        + (string.IsNullOrEmpty(continueToken) ? "" : "&continue=" + Uri.EscapeDataString(continueToken));

    /// <summary>
    /// The whole list as the API server's watch cache holds it (resourceVersion=0: not paginated, maybe
    /// a little behind etcd, as client-go's informers list first); a watch from its resourceVersion catches up.
    /// </summary>
    public string ListFromCache(string? ns) => For(ns) + "?resourceVersion=0";

    /// <summary>A watch from <paramref name="resourceVersion"/> with bookmarks, which the server ends after <paramref name="timeoutSeconds"/>.</summary>
    public string Watch(string? ns, string resourceVersion, int timeoutSeconds) =>
        For(ns) + string.Create(CultureInfo.InvariantCulture,
            $"?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={timeoutSeconds}");

    private static class Kind<T>
    {
        public static readonly KubernetesEntityAttribute Attribute = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no [KubernetesEntity]");

        public static readonly ResourcePath Path = Of(Attribute);
    }
}
