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

/// <summary>One call to the simulator's OCP API: method, path, operation, the cluster and task it was about, who sent it (null when refused) and when.</summary>
internal sealed record OcpCall(string Method, string Path, string Operation, long? ClusterId, long? TaskId, string? User, string At)
{
    public override string ToString() => $"{At} {User ?? "(unauthenticated)"} {Method} {Path}";
}

/// <summary>A task of OCP's other users on a cluster (a console or scheduled backup, a "Stop backup" task).</summary>
internal sealed record ForeignTask(long Id, string Name, string Type, string Creator);
