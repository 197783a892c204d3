using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// The children of <typeparamref name="TOwner"/> among <typeparamref name="TChild"/>: indexes the
/// child kind's cache by controlling owner and wakes the owner on every change of a child,
/// deletions included. Uses the child kind's own informers and cache: no second watch.
/// </summary>
public sealed class OwnedKindWatch<TOwner, TChild>(InformerSet<TChild> informers, IResourceCache<TChild> cache) : IControllerWatch<TOwner>
    where TOwner : IKubernetesObject<V1ObjectMeta>
    where TChild : IKubernetesObject<V1ObjectMeta>
{
    public void Start(Action<NamespacedName> enqueue)
    {
        // Subscribe first, then index: an object listed in between is in the index either way.
        foreach (var informer in informers.All)
        {
            informer.ObjectChanged += child =>
            {
                if (Owners.ControllerOf<TOwner>(child) is { } owner)
                {
                    enqueue(owner);
                }
            };
        }

        cache.AddIndex(Owners.IndexName<TOwner>(), child => Owners.ControllerOf<TOwner>(child)?.ToString());
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => informers.WaitForSyncAsync(cancellationToken);
}
