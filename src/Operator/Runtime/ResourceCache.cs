using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

public interface IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    bool TryGet(NamespacedName key, out T? resource);

    IReadOnlyList<T> List();

    /// <summary>The objects whose index value (see the cache's index function) is <paramref name="value"/>.</summary>
    IReadOnlyList<T> ListByIndex(string value);

    /// <summary>The objects whose value in the named index (see <see cref="AddIndex"/>) is <paramref name="value"/>.</summary>
    IReadOnlyList<T> ListByIndex(string indexName, string value);

    /// <summary>
    /// Adds a named index, also over the objects already cached (client-go's AddIndexers,
    /// controller-runtime's IndexField). An object whose value is null is not in that index.
    /// Adding a name twice keeps the first.
    /// </summary>
    void AddIndex(string indexName, Func<T, string?> index);

    /// <summary>Stores the object unless the cache already holds a newer one of the same resource.</summary>
    bool Upsert(T resource);

    void Remove(NamespacedName key);
}

/// <summary>
/// The informer's view of the resources, also written through by the operator after its own status
/// writes, so a watch event that arrives late can never roll an object back. An optional index
/// (like client-go's Indexers) answers "the objects with this value" without a scan, so a
/// reconcile costs the same with ten or ten thousand objects in the cache. An optional transform
/// shapes each object as it is stored (e.g. a slim copy of what needs no more work).
/// </summary>
public sealed class ResourceCache<T>(Func<T, string>? index = null, Func<T, T>? transform = null) : IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The name of the index given to the constructor.</summary>
    public const string DefaultIndex = "";

    private readonly ConcurrentDictionary<NamespacedName, T> _items = new();
    private readonly Dictionary<string, Index> _indexes = index is null ? [] : new() { [DefaultIndex] = new Index(index) };
    private readonly Lock _write = new();

    public int Count => _items.Count;

    public bool TryGet(NamespacedName key, out T? resource) => _items.TryGetValue(key, out resource);

    public IReadOnlyList<T> List() => _items.Select(i => i.Value).ToList();

    public IReadOnlyList<T> ListByIndex(string value)
    {
        if (index is null)
        {
            throw new InvalidOperationException("this cache has no index");
        }

        return ListByIndex(DefaultIndex, value);
    }

    public IReadOnlyList<T> ListByIndex(string indexName, string value)
    {
        lock (_write)
        {
            if (!_indexes.TryGetValue(indexName, out var named))
            {
                throw new InvalidOperationException($"this cache has no index \"{indexName}\"");
            }

            return named.Buckets.TryGetValue(value, out var bucket) ? [.. bucket.Values] : [];
        }
    }

    public void AddIndex(string indexName, Func<T, string?> index)
    {
        lock (_write)
        {
            if (_indexes.ContainsKey(indexName))
            {
                return;
            }

            var named = new Index(index);
            foreach (var (key, item) in _items)
            {
                named.Add(key, item);
            }

            _indexes[indexName] = named;
        }
    }

    public bool Upsert(T resource)
    {
        var key = NamespacedName.From(resource);
        resource = transform is null ? resource : transform(resource);
        lock (_write)
        {
            if (_items.TryGetValue(key, out var existing))
            {
                if (IsOlder(resource, existing))
                {
                    return false;
                }

                Unindex(key, existing);
            }

            _items[key] = resource;
            foreach (var named in _indexes.Values)
            {
                named.Add(key, resource);
            }

            return true;
        }
    }

    public void Remove(NamespacedName key)
    {
        lock (_write)
        {
            if (_items.TryRemove(key, out var existing))
            {
                Unindex(key, existing);
            }
        }
    }

    private void Unindex(NamespacedName key, T existing)
    {
        foreach (var named in _indexes.Values)
        {
            named.Remove(key, existing);
        }
    }

    // resourceVersions are opaque, but etcd's are integers: compare them when both parse, and only
    // within one object's life (a re-created object has another uid and always wins).
    private static bool IsOlder(T candidate, T existing) =>
        candidate.Metadata.Uid == existing.Metadata.Uid
        && long.TryParse(candidate.Metadata.ResourceVersion, out var c)
        && long.TryParse(existing.Metadata.ResourceVersion, out var e)
        && c < e;

    /// <summary>One index: its function and, per value, the objects that have it.</summary>
    private sealed class Index(Func<T, string?> valueOf)
    {
        public Dictionary<string, Dictionary<NamespacedName, T>> Buckets { get; } = [];

        public void Add(NamespacedName key, T item)
        {
            if (valueOf(item) is not { } value)
            {
                return;
            }

            if (!Buckets.TryGetValue(value, out var bucket))
            {
                Buckets[value] = bucket = [];
            }

            bucket[key] = item;
        }

        public void Remove(NamespacedName key, T item)
        {
            if (valueOf(item) is { } value && Buckets.TryGetValue(value, out var bucket) && bucket.Remove(key) && bucket.Count == 0)
            {
                Buckets.Remove(value);
            }
        }
    }
}
