using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Controller;

public interface IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    bool TryGet(NamespacedName key, out T? resource);

    IReadOnlyList<T> List();

    /// <summary>Stores the object unless the cache already holds a newer one of the same resource.</summary>
    bool Upsert(T resource);

    void Remove(NamespacedName key);
}

/// <summary>
/// The informer's view of the resources, also written through by the operator after its own status
/// writes, so a watch event that arrives late can never roll an object back.
/// </summary>
public sealed class ResourceCache<T> : IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<NamespacedName, T> _items = new();

    public int Count => _items.Count;

    public bool TryGet(NamespacedName key, out T? resource) => _items.TryGetValue(key, out resource);

    public IReadOnlyList<T> List() => _items.Values.ToList();

    public bool Upsert(T resource)
    {
        var key = NamespacedName.From(resource);
        while (true)
        {
            if (!_items.TryGetValue(key, out var existing))
            {
                if (_items.TryAdd(key, resource))
                {
                    return true;
                }

                continue;
            }

            if (IsOlder(resource, existing))
            {
                return false;
            }

            if (_items.TryUpdate(key, resource, existing))
            {
                return true;
            }
        }
    }

    public void Remove(NamespacedName key) => _items.TryRemove(key, out _);

    // resourceVersions are opaque, but etcd's are integers: compare them when both parse, and only
    // within one object's life (a re-created object has another uid and always wins).
    private static bool IsOlder(T candidate, T existing) =>
        candidate.Metadata.Uid == existing.Metadata.Uid
        && long.TryParse(candidate.Metadata.ResourceVersion, out var c)
        && long.TryParse(existing.Metadata.ResourceVersion, out var e)
        && c < e;
}
