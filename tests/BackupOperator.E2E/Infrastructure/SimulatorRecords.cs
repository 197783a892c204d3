using System.Globalization;
using BackupOperator.Entities;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A resource's word checked against the simulator's own records: the backupNow POSTs that carried
/// its request id (status.requestId, sent as X-Request-Id), the tasks those POSTs started, and every
/// backup task started on its cluster, by whomever.
/// </summary>
internal static class SimulatorRecords
{
    /// <summary>
    /// Exactly once, by task id: every POST for the resource's cluster carried its request id, there was
    /// <paramref name="posts"/> of them, they started at least one task, the resource reports exactly
    /// those tasks, and OCP started no other backup on that cluster. "Started" is what backupNow POSTs started
    /// (/_sim/backups): the tasks of OCP's other users (<see cref="OcpSimulator.SimSettings.ForeignTasks"/>: a console
    /// backup, a stop, a scheduled backup) are not POST-started and are no other backup here.
    /// </summary>
    public static async Task AssertOwnBackupOnlyAsync(this SimulatorHandle ocp, V1alpha1ClusterBackupNow resource, CancellationToken ct, int posts = 1)
    {
        var cluster = resource.Spec.ClusterId;
        var requestId = resource.Status?.RequestId;
        var log = (await ocp.PostLogAsync(ct)).Where(p => p.ClusterId == cluster).ToList();
        var started = (await ocp.BackupsStartedAsync(ct)).GetValueOrDefault(cluster) ?? [];
        var reported = resource.Status?.TaskIds ?? [];
        var story = $"{resource.Metadata.Name} ({resource.Status?.Phase} {resource.Status?.Reason}, requestId {requestId ?? "(none)"}) reports [{Ids(reported)}]; " +
            $"OCP heard [{string.Join("; ", log.Select(p => $"{p.At} requestId {p.RequestId ?? "(none)"} started [{Ids(p.TaskIds)}]"))}] " +
            $"and started backups [{Ids(started)}] on cluster {cluster}";

        Assert.True(requestId is not null, $"no request id in the status: {story}");
        Assert.True(log.All(p => p.RequestId is not null), $"a POST carried no request id: {story}");
        Assert.True(log.All(p => p.RequestId == requestId), $"a POST for the cluster that is not this resource's: {story}");
        Assert.True(log.Count == posts, $"{posts} POST(s) expected: {story}");
        var created = log.SelectMany(p => p.TaskIds).ToList();
        Assert.True(created.Count > 0, $"its POST(s) started no task: {story}");
        Assert.True(reported.Order().SequenceEqual(created.Order()), $"it does not report exactly the tasks its own POST(s) started: {story}");
        Assert.True(started.Order().SequenceEqual(created.Order()), $"OCP started another backup on the cluster: {story}");
    }

    /// <summary>
    /// Nothing reached OCP for <paramref name="clusterId"/>: no POST and no backup started. Call it
    /// only after evidence that the operator looked (the resource's status or an event), or it
    /// passes because the operator has not got round to it yet.
    /// </summary>
    public static async Task AssertNothingSentAsync(this SimulatorHandle ocp, long clusterId, CancellationToken ct)
    {
        var log = (await ocp.PostLogAsync(ct)).Where(p => p.ClusterId == clusterId).ToList();
        var started = (await ocp.BackupsStartedAsync(ct)).GetValueOrDefault(clusterId) ?? [];
        Assert.True(log.Count == 0 && started.Count == 0,
            $"OCP heard [{string.Join("; ", log.Select(p => $"{p.At} requestId {p.RequestId ?? "(none)"}"))}] and started [{Ids(started)}] on cluster {clusterId}");
    }

    /// <summary>When the simulator received the POST (its own clock, the machine's).</summary>
    public static DateTimeOffset ReceivedAt(this OcpPost post) => DateTimeOffset.Parse(post.At, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Ids(IEnumerable<long> ids) => string.Join(",", ids);
}
