using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupSchedule;

/// <summary>Parsed schedules and instants for the slot tests.</summary>
internal static class Schedules
{
    public static ClusterBackupScheduleSpec Spec(string schedule, string? incremental = null, string? zone = null) =>
        new() { Schedule = schedule, IncrementalSchedule = incremental, TimeZone = zone };

    public static CronSchedule Parse(string schedule, string? incremental = null, string? zone = null)
    {
        Assert.True(CronSchedule.TryParse(Spec(schedule, incremental, zone), out var parsed, out var error), error?.Message);
        return parsed;
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);
}
