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
}
