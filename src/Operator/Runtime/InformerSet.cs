using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>The informers of one resource type: one cluster-wide, or one per configured namespace.</summary>
public sealed class InformerSet<T>(IReadOnlyList<ResourceInformer<T>> all) : ICacheSyncStatus
    where T : IKubernetesObject<V1ObjectMeta>
{
    public IReadOnlyList<ResourceInformer<T>> All { get; } = all;

    public bool HasSynced => All.All(i => i.HasSynced);

    public Task WaitForSyncAsync(CancellationToken ct) => Task.WhenAll(All.Select(i => i.WaitForSyncAsync(ct)));
}
