using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace BackupOperator.Operator.Runtime;

/// <summary>What a controller adds to the runtime's defaults for its kind's cache.</summary>
public sealed class ControllerSettings<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>An index over the cache (see <see cref="IResourceCache{T}.ListByIndex"/>); none by default.</summary>
    public Func<TEntity, string>? Index { get; set; }

    /// <summary>A cluster-scoped kind is watched cluster-wide, whatever Controller:Namespaces says.</summary>
    public bool ClusterScoped { get; set; }

    /// <summary>
    /// The compact form the cache keeps of an object that needs no more work (see <see cref="CompactForm{T}"/>),
    /// or null to keep it whole; none by default.
    /// </summary>
    public Func<TEntity, CompactForm<TEntity>?>? Compact { get; set; }

    /// <summary>Registrations of what <see cref="Owns{TChild}"/> asked for, typed at compile time (no reflection: trimming and NativeAOT).</summary>
    internal List<Action<IServiceCollection>> Watches { get; } = [];

    /// <summary>
    /// This kind creates <typeparamref name="TChild"/> objects and controls them (ownerReference
    /// with controller: true): a change of a child wakes its owner, and
    /// <see cref="Owners.ListOwned{TOwner, TChild}"/> lists an owner's children from the child
    /// kind's cache, which must be registered by its own controller.
    /// </summary>
    public ControllerSettings<TEntity> Owns<TChild>()
        where TChild : IKubernetesObject<V1ObjectMeta>
    {
        Watches.Add(services => services.AddSingleton<IControllerWatch<TEntity>>(sp => new OwnedKindWatch<TEntity, TChild>(
            sp.GetService<InformerSet<TChild>>() ?? throw new InvalidOperationException(
                $"{typeof(TEntity).Name} owns {typeof(TChild).Name}, but no controller for {typeof(TChild).Name} is registered"),
            sp.GetRequiredService<IResourceCache<TChild>>())));
        return this;
    }
}
