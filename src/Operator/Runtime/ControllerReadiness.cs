namespace BackupOperator.Operator.Runtime;

/// <summary>Ready once every controller's cache is synced; a follower is ready too (it is a warm standby).</summary>
public sealed class ControllerReadiness(IEnumerable<ICacheSyncStatus> caches, ILeadershipGate leadership)
{
    private readonly IReadOnlyList<ICacheSyncStatus> _caches = [.. caches];

    public (bool Ready, string Detail) Check() =>
        _caches.All(c => c.HasSynced)
            ? (true, leadership.IsLeader ? "synced, leading" : "synced, standby")
            : (false, "watch not synced yet");
}
