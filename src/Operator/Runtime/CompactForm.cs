using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// What a <see cref="ResourceCache{T}"/> keeps instead of an object that needs no more work: the least
/// its controller reads of it, as a record of its own rather than an object graph. A long history then
/// costs a few hundred bytes per object instead of kilobytes. Reading it from the cache gives back
/// <see cref="Expand"/>: a new, partial object each time, never the base of a write.
/// </summary>
public abstract class CompactForm<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The object's uid: the cache compares versions only within one object's life.</summary>
    public abstract string? Uid { get; }

    /// <summary>The object's resourceVersion when it was compacted.</summary>
    public abstract string? ResourceVersion { get; }

    /// <summary>A new partial object with what was kept.</summary>
    public abstract T Expand();
}
