using BackupOperator.Entities;

namespace BackupOperator.Operator.Controller;

/// <summary>Ready once the cache is synced; a follower is ready too (it is a warm standby).</summary>
public sealed class ControllerReadiness(InformerSet<V1alpha1ClusterBackupNow> informers, ILeadershipGate leadership)
{
    public (bool Ready, string Detail) Check() =>
        informers.HasSynced
            ? (true, leadership.IsLeader ? "synced, leading" : "synced, standby")
            : (false, "watch not synced yet");
}
