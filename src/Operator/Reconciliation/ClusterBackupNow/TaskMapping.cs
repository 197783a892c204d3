using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>OCP's answers to the status record.</summary>
internal static class TaskMapping
{
    public static OcpTaskState ToState(TaskInstance t) => new()
    {
        Id = t.Id,
        Name = t.Name,
        Status = OcpTaskStatus.Normalize(t.Status),
        FailedSubtask = t.Subtasks?.FirstOrDefault(st => OcpTaskStatus.Is(st.Status, OcpTaskStatus.Failed))?.Name,
        CreateTime = t.CreateTime,
        StartTime = t.StartTime,
        FinishTime = t.FinishTime,
    };

    public static BackupObjectResult ToResult(BackupObjectOpsResult r) => new()
    {
        BeSuccessful = r.BeSuccessful,
        TaskIdList = r.TaskIdList?.ToList(),
        ErrorCode = r.ErrorCode,
        Hint = r.Hint,
        ObBackupObjectList = r.ObBackupObjectList?
            .Select(o => new BackupObjectRef { ClusterId = o.ClusterId, TenantId = o.TenantId, BackupDimension = o.BackupDimension })
            .ToList(),
    };

    /// <summary>
    /// True when OCP's per-object results tell more than <c>taskIds</c> and <c>successful</c> do: more than
    /// one result, an object that failed, an error code or hint, objects other than the backup's own cluster,
    /// or task ids other than <paramref name="taskIds"/> (none started, or one listed twice).
    /// Only then are they kept in status: an answer that only echoes the cluster and its task ids would
    /// repeat them in every backup's status, paid for on every status write.
    /// </summary>
    public static bool TellMoreThanTaskIds(IList<BackupObjectResult> results, long clusterId, IList<long> taskIds) =>
        results is not [{ BeSuccessful: true, ErrorCode: null or "", Hint: null or "", ObBackupObjectList: [var only], TaskIdList: [_, ..] listed }]
        || only is not { TenantId: null, BackupDimension: null or "CLUSTER" }
        || only.ClusterId != clusterId
        || !listed.SequenceEqual(taskIds);
}
