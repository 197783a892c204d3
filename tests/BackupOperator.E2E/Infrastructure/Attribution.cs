using BackupOperator.Entities;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// Whether each backup OCP started belongs to the resource that reports it. With request ids on the
/// POSTs (the operator sends status.requestId as X-Request-Id), a resource must report exactly the
/// tasks its own POSTs created, adopted or not, and one whose POST created a task it does not report
/// is misattributed too (however it ended: Failed with SubmissionUnconfirmed included). Without them,
/// only the reported ids can be checked: each on the resource's cluster, and reported once.
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
        var strict = posts.Any(p => clusters.Contains(p.ClusterId) && p.RequestId is not null);
        var holders = resources
            .SelectMany(r => (r.Status?.TaskIds ?? []).Select(id => (Id: id, r.Metadata.Name)))
            .ToLookup(h => h.Id, h => h.Name);
        var misattributed = 0;
        foreach (var r in resources)
        {
            var name = r.Metadata.Name;
            var held = (r.Status?.TaskIds ?? []).ToHashSet();
            var onCluster = started.GetValueOrDefault(r.Spec.ClusterId) ?? [];
            string? wrong;
            if (strict)
            {
                var own = r.Status?.RequestId is { } requestId ? posts.Where(p => p.RequestId == requestId).ToList() : [];
                var created = own.SelectMany(p => p.TaskIds).ToHashSet();
                wrong = own.FirstOrDefault(p => p.ClusterId != r.Spec.ClusterId) is { } elsewhere
                    ? $"its request id {elsewhere.RequestId} was POSTed for cluster {elsewhere.ClusterId}"
                    : !held.SetEquals(created)
                        ? $"reports [{string.Join(",", held.Order())}]{(r.Status?.Adopted == true ? " (adopted)" : "")} but the POSTs with its request id {r.Status?.RequestId ?? "(none)"} created [{string.Join(",", created.Order())}]"
                        : null;
            }
            else
            {
                wrong = held.FirstOrDefault(id => !onCluster.Contains(id)) is var foreign && foreign != 0
                    ? $"reports task {foreign}, which OCP did not start on cluster {r.Spec.ClusterId}"
                    : held.FirstOrDefault(id => holders[id].Count() > 1) is var shared && shared != 0
                        ? $"reports task {shared}, also reported by {string.Join(",", holders[shared].Where(n => n != name))}"
                        : null;
            }

            if (wrong is not null)
            {
                misattributed++;
                problems.Add($"misattributed: {name} ({r.Status?.Phase} {r.Status?.Reason}) {wrong}");
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
