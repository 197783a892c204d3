namespace BackupOperator.E2E.Infrastructure;

/// <summary>One backupNow POST as the simulator saw it: its X-Request-Id (null when not sent), cluster, and the tasks it started.</summary>
internal sealed record OcpPost(string? RequestId, long ClusterId, IReadOnlyList<long> TaskIds, string At);

/// <summary>What one OCP simulator heard: authenticated requests per operation, refused authentications, backupNow POSTs.</summary>
internal sealed record OcpTraffic(IReadOnlyDictionary<string, int> Requests, int AuthFailures, int BackupNowPosts)
{
    public bool Silent => Requests.Values.Sum() == 0 && AuthFailures == 0 && BackupNowPosts == 0;

    public override string ToString() =>
        $"requests [{string.Join(", ", Requests.Select(r => $"{r.Key}={r.Value}"))}], auth failures {AuthFailures}, backupNow POSTs {BackupNowPosts}";
}
