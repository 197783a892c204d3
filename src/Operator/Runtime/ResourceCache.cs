using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

public interface IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    bool TryGet(NamespacedName key, out T? resource);

    /// <summary>Every cached object; those kept in a compact form are expanded, so prefer <see cref="Keys"/> or an index.</summary>
    IReadOnlyList<T> List();

    /// <summary>The keys of every cached object.</summary>
    IReadOnlyList<NamespacedName> Keys();

    /// <summary>The objects whose index value (see the cache's index function) is <paramref name="value"/>.</summary>
    IReadOnlyList<T> ListByIndex(string value);

    /// <summary>The objects whose value in the named index (see <see cref="AddIndex"/>) is <paramref name="value"/>.</summary>
    IReadOnlyList<T> ListByIndex(string indexName, string value);

    /// <summary>
    /// What <see cref="ListByIndex(string)"/> finds, without expanding anything: the objects kept whole, and
    /// the compact forms as they are, for a reader that needs of those only what the form itself tells.
    /// </summary>
    (IReadOnlyList<T> Whole, IReadOnlyList<CompactForm<T>> Compact) PartitionByIndex(string value);

    /// <summary>
    /// Adds a named index, also over the objects already cached (client-go's AddIndexers,
    /// controller-runtime's IndexField). An object whose value is null is not in that index.
    /// Adding a name twice keeps the first.
    /// </summary>
    void AddIndex(string indexName, Func<T, string?> index);

    /// <summary>
    /// Adds a named count: how many objects have each value, kept as objects come and go, so a
    /// gauge reads it without expanding any object (see <see cref="CountsOf"/>). Adding a name twice keeps the first.
    /// </summary>
    void AddCount(string countName, Func<T, string?> valueOf);

    /// <summary>The number of objects per value of the named count (values with none are absent).</summary>
    IReadOnlyDictionary<string, int> CountsOf(string countName);

    /// <summary>Stores the object unless the cache already holds a newer one of the same resource.</summary>
    bool Upsert(T resource);

    void Remove(NamespacedName key);
}

/// <summary>
/// The informer's view of the resources, also written through by the operator after its own status
/// writes, so a watch event that arrives late can never roll an object back. An optional index
/// (like client-go's Indexers) answers "the objects with this value" without a scan, so a
/// reconcile costs the same with ten or ten thousand objects in the cache. An optional transform
/// shapes each object as it is stored (e.g. drops what no controller reads), and an optional
/// compact form (see <see cref="CompactForm{T}"/>) replaces an object that needs no more work by a
/// small record, expanded again as it is read.
/// </summary>
public sealed class ResourceCache<T>(
    Func<T, string>? index = null,
    Func<T, T>? transform = null,
    Func<T, CompactForm<T>?>? compact = null) : IResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The name of the index given to the constructor.</summary>
    public const string DefaultIndex = "";

    // Each value is a T or a CompactForm<T> made of one.
    private readonly ConcurrentDictionary<NamespacedName, object> _items = new();
    private readonly Dictionary<string, Index> _indexes = index is null ? [] : new() { [DefaultIndex] = new Index(index, countOnly: false) };
    private readonly Dictionary<string, Index> _counts = [];
    private readonly Lock _write = new();

    public int Count => _items.Count;

    /// <summary>How many objects are kept in their compact form.</summary>
    public int CompactCount => _items.Values.Count(v => v is CompactForm<T>);

    public bool TryGet(NamespacedName key, out T? resource)
    {
        resource = _items.TryGetValue(key, out var stored) ? Read(stored) : default;
        return resource is not null;
    }

    public IReadOnlyList<T> List() => _items.Select(i => Read(i.Value)).ToList();

    public IReadOnlyList<NamespacedName> Keys() => [.. _items.Keys];

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

            return named.Buckets.TryGetValue(value, out var bucket) ? [.. bucket.Values.Select(Read)] : [];
        }
    }

    public (IReadOnlyList<T> Whole, IReadOnlyList<CompactForm<T>> Compact) PartitionByIndex(string value)
    {
        lock (_write)
        {
            if (!_indexes.TryGetValue(DefaultIndex, out var named))
            {
                throw new InvalidOperationException("this cache has no index");
            }

            List<T> whole = [];
            List<CompactForm<T>> compact = [];
            if (!named.Buckets.TryGetValue(value, out var bucket))
            {
                return ([], []);
            }

            foreach (var stored in bucket.Values)
            {
                if (stored is CompactForm<T> c)
                {
                    compact.Add(c);
                }
                else
                {
                    whole.Add((T)stored);
                }
            }

            return (whole, compact);
        }
    }

    public IReadOnlyDictionary<string, int> CountsOf(string countName)
    {
        lock (_write)
        {
            return _counts.TryGetValue(countName, out var named)
                ? named.Counts.ToDictionary()
                : throw new InvalidOperationException($"this cache has no count \"{countName}\"");
        }
    }

    public void AddIndex(string indexName, Func<T, string?> index) => Add(_indexes, indexName, new Index(index, countOnly: false));

    public void AddCount(string countName, Func<T, string?> valueOf) => Add(_counts, countName, new Index(valueOf, countOnly: true));

    private void Add(Dictionary<string, Index> to, string name, Index named)
    {
        lock (_write)
        {
            if (to.ContainsKey(name))
            {
                return;
            }

            foreach (var (key, stored) in _items)
            {
                named.Add(key, stored, Read(stored));
            }

            to[name] = named;
        }
    }

    public bool Upsert(T resource)
    {
        var key = NamespacedName.From(resource);
        resource = transform is null ? resource : transform(resource);
        object stored = compact?.Invoke(resource) is { } small ? small : resource;
        // Indexes and counts see what a reader will see: the expanded form of a compact one.
        var view = stored is CompactForm<T> c ? c.Expand() : resource;
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

            _items[key] = stored;
            foreach (var named in _indexes.Values.Concat(_counts.Values))
            {
                named.Add(key, stored, view);
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

    private void Unindex(NamespacedName key, object existing)
    {
        var view = Read(existing);
        foreach (var named in _indexes.Values.Concat(_counts.Values))
        {
            named.Remove(key, view);
        }
    }

    private static T Read(object stored) => stored is CompactForm<T> c ? c.Expand() : (T)stored;

    // resourceVersions are opaque, but etcd's are integers: compare them when both parse, and only
    // within one object's life (a re-created object has another uid and always wins).
    private static bool IsOlder(T candidate, object existing)
    {
        var (uid, version) = existing is CompactForm<T> c ? (c.Uid, c.ResourceVersion) : (((T)existing).Metadata.Uid, ((T)existing).Metadata.ResourceVersion);
        return candidate.Metadata.Uid == uid
            && long.TryParse(candidate.Metadata.ResourceVersion, out var candidateVersion)
            && long.TryParse(version, out var existingVersion)
            && candidateVersion < existingVersion;
    }

    /// <summary>One index: its function and, per value, the stored entries that have it (or, counting only, how many).</summary>
    private sealed class Index(Func<T, string?> valueOf, bool countOnly)
    {
        public Dictionary<string, Dictionary<NamespacedName, object>> Buckets { get; } = [];

        public Dictionary<string, int> Counts { get; } = [];

        public void Add(NamespacedName key, object stored, T view)
        {
            if (valueOf(view) is not { } value)
            {
                return;
            }

            if (countOnly)
            {
                Counts[value] = Counts.GetValueOrDefault(value) + 1;
                return;
            }

            if (!Buckets.TryGetValue(value, out var bucket))
            {
                Buckets[value] = bucket = [];
            }

            bucket[key] = stored;
        }

        public void Remove(NamespacedName key, T view)
        {
            if (valueOf(view) is not { } value)
            {
                return;
            }

            if (countOnly)
            {
                if (Counts.GetValueOrDefault(value) > 1)
                {
                    Counts[value]--;
                }
                else
                {
                    Counts.Remove(value);
                }

                return;
            }

            if (Buckets.TryGetValue(value, out var bucket) && bucket.Remove(key) && bucket.Count == 0)
            {
                Buckets.Remove(value);
            }
        }
    }
}
