using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Controllers.ClusterBackupSchedule;

/// <summary>What the ClusterBackupSchedule controller reports; implemented by the operator's metrics.</summary>
public interface IScheduleMetrics
{
    /// <summary>The schedule's status as written: next slot, missed and skipped slots, last success.</summary>
    void ScheduleObserved(NamespacedName schedule, ClusterBackupScheduleStatus? status);

    void ScheduleDeleted(NamespacedName schedule);
}
