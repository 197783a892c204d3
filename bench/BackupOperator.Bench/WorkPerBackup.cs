using System.Globalization;
using System.Text.Json.Nodes;

namespace BackupOperator.Bench;

/// <summary>What one backup cost, from the simulator's counters and the operator's own metrics.</summary>
internal sealed record WorkPerBackup(double Posts, double TaskReads, double StatusWrites, double Events, double OtherApiCalls, string OtherDetail)
{
    private const string KubeRequests = "backupoperator_kube_requests_total";

    public static WorkPerBackup From(int n, string metricsBefore, string metricsAfter, JsonObject simBefore, JsonObject simAfter)
    {
        double Delta(string name, params string[] labels) => Measure.Sum(metricsAfter, name, labels) - Measure.Sum(metricsBefore, name, labels);
        static double Sim(JsonObject stats, string path) => path.Split('.').Aggregate((JsonNode?)stats, (node, key) => node?[key])?.GetValue<int>() ?? 0;
        double SimDelta(string path) => Sim(simAfter, path) - Sim(simBefore, path);

        var status = Delta(KubeRequests, "verb=\"PATCH\"", "resource=\"clusterbackupnows/status\"");
        var events = Delta(KubeRequests, "verb=\"POST\"", "resource=\"events\"");
        var all = Delta(KubeRequests);
        var other = Measure.Labels(metricsAfter, KubeRequests)
            .Select(l => (l.Verb, l.Resource))
            .Where(k => !(k.Verb == "PATCH" && k.Resource == "clusterbackupnows/status") && !(k.Verb == "POST" && k.Resource == "events"))
            .Distinct()
            .Select(k => (k, Per(Delta(KubeRequests, $"verb=\"{k.Verb}\"", $"resource=\"{k.Resource}\""), n)))
            .Where(x => x.Item2 > 0)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.k.Verb} {x.k.Resource} {x.Item2}"));
        return new WorkPerBackup(
            Per(SimDelta("backupNowPostsTotal"), n),
            Per(SimDelta("requests.getTask") + SimDelta("requests.listTasks"), n),
            Per(status, n),
            Per(events, n),
            Per(all - status - events, n),
            string.Join(", ", other));
    }

    /// <summary>The same for the client-go peer, from its /stats counters (it has no Prometheus metrics).</summary>
    public static WorkPerBackup FromPeer(int n, JsonObject peerBefore, JsonObject peerAfter, JsonObject simBefore, JsonObject simAfter)
    {
        static double Get(JsonObject stats, string path) => path.Split('.').Aggregate((JsonNode?)stats, (node, key) => node?[key])?.GetValue<long>() ?? 0;
        double Peer(string key) => Get(peerAfter, key) - Get(peerBefore, key);
        double SimDelta(string path) => Get(simAfter, path) - Get(simBefore, path);
        return new WorkPerBackup(
            Per(SimDelta("backupNowPostsTotal"), n),
            Per(SimDelta("requests.getTask") + SimDelta("requests.listTasks"), n),
            Per(Peer("statusPatches"), n),
            Per(Peer("events"), n),
            Per(Peer("secretGets"), n),
            string.Create(CultureInfo.InvariantCulture, $"GET secrets {Per(Peer("secretGets"), n)}; conflicts {Per(Peer("conflicts"), n)}, reconciles {Per(Peer("reconciles"), n)}"));
    }

    private static double Per(double total, int n) => Math.Round(total / n, 2);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Posts} POST, {TaskReads} task reads, {StatusWrites} status writes, {Events} events, {OtherApiCalls} other API calls ({OtherDetail})");
}
