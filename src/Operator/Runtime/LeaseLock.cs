using BackupOperator.KubeClient;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// The coordination.k8s.io/v1 Lease that <see cref="LeaderElector"/> holds, over <see cref="KubeApiClient"/>
/// (KubernetesClient's own LeaseLock needs its reflection-based client). As client-go's resourcelock:
/// <see cref="GetAsync"/> remembers the Lease it read; <see cref="UpdateAsync"/> replaces exactly that
/// version (a PUT carrying its resourceVersion), so when another candidate wrote in between, the API
/// server answers 409 and the update fails instead of overwriting it.
/// </summary>
public sealed class LeaseLock(KubeApiClient client, string ns, string name, string identity) : ILock
{
    private V1Lease? _read;

    public string Identity => identity;

    private string Collection => ResourcePath.Leases.For(ns);

    public string Describe() => $"{ns}/{name}";

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var lease = await client.GetAsync<V1Lease>(ResourcePath.Leases.For(ns, name), cancellationToken);
            Interlocked.Exchange(ref _read, lease);
            return ToRecord(lease.Spec);
        }
        catch (KubeApiException e)
        {
            // The elector creates the Lease on 404 and gives up this round on any other answer, both
            // told by KubernetesClient's HttpOperationException.
            throw new HttpOperationException(e.Message, e)
            {
                Response = new HttpResponseMessageWrapper(new HttpResponseMessage(e.StatusCode), e.Status?.Message ?? ""),
            };
        }
    }

    public async Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        var lease = new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = ToSpec(record),
        };
        return await WriteAsync(HttpMethod.Post, Collection, lease, cancellationToken);
    }

    public async Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        var read = Volatile.Read(ref _read);
        if (read is null)
        {
            return false;
        }

        var lease = new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = read.Metadata.ResourceVersion },
            Spec = ToSpec(record),
        };
        return await WriteAsync(HttpMethod.Put, ResourcePath.Leases.For(ns, name), lease, cancellationToken);
    }

    private async Task<bool> WriteAsync(HttpMethod method, string path, V1Lease lease, CancellationToken cancellationToken)
    {
        try
        {
            var written = await client.SendAsync<V1Lease>(method, path, client.JsonContent(lease), cancellationToken);
            Interlocked.Exchange(ref _read, written);
            return true;
        }
        catch (KubeApiException)
        {
            // Someone else wrote first (409), or the server refused: this round is lost, the elector reads again.
            return false;
        }
    }

    private static LeaderElectionRecord ToRecord(V1LeaseSpec? spec) => new()
    {
        HolderIdentity = spec?.HolderIdentity,
        LeaseDurationSeconds = spec?.LeaseDurationSeconds ?? 0,
        AcquireTime = spec?.AcquireTime,
        RenewTime = spec?.RenewTime,
        LeaderTransitions = spec?.LeaseTransitions ?? 0,
    };

    private static V1LeaseSpec ToSpec(LeaderElectionRecord record) => new()
    {
        HolderIdentity = record.HolderIdentity,
        LeaseDurationSeconds = record.LeaseDurationSeconds,
        AcquireTime = record.AcquireTime,
        RenewTime = record.RenewTime,
        LeaseTransitions = record.LeaderTransitions,
    };
}
