using BackupOperator.Entities;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// Whether each backup OCP started belongs to the resource that reports it, by request id only: the operator
/// sends status.requestId as X-Request-Id with every POST, so a resource must report exactly the tasks its own
/// POSTs created, adopted or not, and one whose POST created a task it does not report is misattributed too
/// (however it ended: Failed with SubmissionUnconfirmed included). There is no weaker fallback: a resource that
/// reports tasks while no POST carries its request id is misattributed, and POSTs to
/// <paramref name="clusters"/> that carry no request id at all are reported as such (<see cref="AttributionReport.Strict"/>
/// false). A POST without one from someone else (OCP's console) is fine as long as no resource reports its task.
/// An orphan is a backup started on one of <paramref name="clusters"/> that no resource reports.
/// </summary>
internal static class Attribution
{
    public static AttributionReport Check(
        IReadOnlyCollection<V1alpha1ClusterBackupNow> resources,
        IReadOnlyCollection<OcpPost> posts,
        IReadOnlyDictionary<long, IReadOnlyList<long>> started,
        IReadOnlyCollection<long> clusters)
    {
        var problems = new List<string>();
        var onClusters = posts.Where(p => clusters.Contains(p.ClusterId)).ToList();
        var strict = onClusters.Count == 0 || onClusters.Any(p => p.RequestId is not null);
        if (!strict)
        {
            problems.Add($"no backupNow POST to cluster(s) {string.Join(",", clusters)} carried an X-Request-Id ({onClusters.Count} POSTs): "
                + "no task can be attributed to the resource that sent it");
        }

        var holders = resources
            .SelectMany(r => (r.Status?.TaskIds ?? []).Select(id => (Id: id, r.Metadata.Name)))
            .ToLookup(h => h.Id, h => h.Name);
        var misattributed = 0;
        foreach (var r in resources)
        {
            var held = (r.Status?.TaskIds ?? []).ToHashSet();
            var requestId = r.Status?.RequestId;
            var own = requestId is null ? [] : posts.Where(p => p.RequestId == requestId).ToList();
            var created = own.SelectMany(p => p.TaskIds).ToHashSet();
            var wrong = own.FirstOrDefault(p => p.ClusterId != r.Spec.ClusterId) is { } elsewhere
                ? $"its request id {elsewhere.RequestId} was POSTed for cluster {elsewhere.ClusterId}"
                : held.Count > 0 && own.Count == 0
                    ? $"reports [{string.Join(",", held.Order())}] but no POST carried its request id {requestId ?? "(none: status.requestId is empty)"}"
                    : !held.SetEquals(created)
                        ? $"reports [{string.Join(",", held.Order())}]{(r.Status?.Adopted == true ? " (adopted)" : "")} but the POSTs with its request id {requestId} created [{string.Join(",", created.Order())}]"
                        : null;
            if (wrong is not null)
            {
                misattributed++;
                problems.Add($"misattributed: {r.Metadata.Name} ({r.Status?.Phase} {r.Status?.Reason}) {wrong}");
            }
        }

        var orphans = 0;
        foreach (var cluster in clusters.Distinct())
        {
            foreach (var id in (started.GetValueOrDefault(cluster) ?? []).Where(id => !holders.Contains(id)))
            {
                orphans++;
                var post = posts.FirstOrDefault(p => p.TaskIds.Contains(id));
                problems.Add($"orphan: cluster {cluster} task {id} (POST with request id {post?.RequestId ?? "(none)"} at {post?.At ?? "?"}) is reported by no resource");
            }
        }

        return new AttributionReport(misattributed, orphans, strict, problems);
    }
}
