using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.Tests.Entities;

/// <summary>Same status, no write: equal when every field is, inside conditions and lists too.</summary>
public sealed class StatusEqualityTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly Dictionary<string, Action<ClusterBackupScheduleStatus>> ScheduleEdits = new()
    {
        ["observedGeneration"] = s => s.ObservedGeneration = 8,
        ["lastScheduleTime"] = s => s.LastScheduleTime = s.LastScheduleTime!.Value.AddTicks(1),
        ["nextScheduleTime, null"] = s => s.NextScheduleTime = null,
        ["skippedSlots"] = s => s.SkippedSlots = 1,
        ["lastRunNowToken"] = s => s.LastRunNowToken = "release-2",
        ["runNowTokens[]"] = s => s.RunNowTokens = ["release-0", "release-1"],
        ["conditions[].message"] = s => s.Condition(ClusterBackupScheduleStatusTransitions.Ready)!.Message = "another message",
        ["conditions[].lastTransitionTime"] = s => s.Condition(ClusterBackupScheduleStatusTransitions.Ready)!.LastTransitionTime = Now.AddSeconds(1),
        ["conditions[].observedGeneration"] = s => s.Condition(ClusterBackupScheduleStatusTransitions.Suspended)!.ObservedGeneration = 6,
        ["conditions, order"] = s => s.Conditions = s.Conditions!.Reverse().ToList(),
        ["active[]"] = s => s.Active![0] = "nightly-20261201110000",
        ["active, one more"] = s => s.Active!.Add("nightly-20261201110000"),
        ["active, empty instead of absent"] = s => s.Active = [],
        ["lastBackup.taskIds[]"] = s => s.LastBackup!.TaskIds![0] = 3000002,
        ["lastBackup.phase"] = s => s.LastBackup!.Phase = BackupPhase.Failed,
        ["observedSchedule.suspend"] = s => s.ObservedSchedule = s.ObservedSchedule! with { Suspend = true },
    };

    private static readonly Dictionary<string, Action<ClusterOcpConnectionStatus>> ConnectionEdits = new()
    {
        ["observedGeneration"] = s => s.ObservedGeneration = 4,
        ["conditions[].status"] = s => s.ReadyCondition()!.Status = "False",
        ["conditions[].reason"] = s => s.ReadyCondition()!.Reason = "OcpUnreachable",
        ["conditions[].message"] = s => s.ReadyCondition()!.Message = "another message",
        ["conditions[].lastTransitionTime"] = s => s.ReadyCondition()!.LastTransitionTime = Now.AddTicks(1),
        ["conditions[].observedGeneration"] = s => s.ReadyCondition()!.ObservedGeneration = 4,
        ["conditions, one more"] = s => s.Conditions!.Add(new V1Condition { Type = "Other", Status = "True", Reason = "R", Message = "m", LastTransitionTime = Now }),
        ["conditions, none"] = s => s.Conditions = null,
    };

    public static TheoryData<string> ScheduleFields => [.. ScheduleEdits.Keys];

    public static TheoryData<string> ConnectionFields => [.. ConnectionEdits.Keys];

    [Fact]
    public void Two_schedule_statuses_with_the_same_content_are_the_same()
    {
        Assert.True(StatusEquality.Same(Schedule(), Schedule()));
        Assert.True(StatusEquality.Same(new ClusterBackupScheduleStatus(), new ClusterBackupScheduleStatus()));
    }

    [Fact]
    public void Two_connection_statuses_with_the_same_content_are_the_same()
    {
        Assert.True(StatusEquality.Same(Connection(), Connection()));
        Assert.True(StatusEquality.Same(new ClusterOcpConnectionStatus(), new ClusterOcpConnectionStatus()));
    }

    [Fact]
    public void A_status_read_back_from_the_API_server_is_the_same_as_the_one_written()
    {
        // The informer and the status writer deserialize with KubernetesJson: what comes back equals what went out.
        Assert.True(StatusEquality.Same(Schedule(), KubernetesJson.Deserialize<ClusterBackupScheduleStatus>(KubernetesJson.Serialize(Schedule()))));
        Assert.True(StatusEquality.Same(Connection(), KubernetesJson.Deserialize<ClusterOcpConnectionStatus>(KubernetesJson.Serialize(Connection()))));
    }

    [Fact]
    public void No_status_is_the_same_only_as_no_status()
    {
        Assert.True(StatusEquality.Same((ClusterBackupScheduleStatus?)null, null));
        Assert.False(StatusEquality.Same(null, Schedule()));
        Assert.False(StatusEquality.Same(Schedule(), null));
        Assert.True(StatusEquality.Same((ClusterOcpConnectionStatus?)null, null));
        Assert.False(StatusEquality.Same(null, Connection()));
        Assert.False(StatusEquality.Same(new ClusterOcpConnectionStatus(), null));
    }

    [Theory]
    [MemberData(nameof(ScheduleFields))]
    public void A_schedule_status_that_differs_in_one_field_is_not_the_same(string field)
    {
        var changed = Schedule();
        ScheduleEdits[field](changed);

        Assert.False(StatusEquality.Same(Schedule(), changed));
        Assert.False(StatusEquality.Same(changed, Schedule()));
    }

    [Theory]
    [MemberData(nameof(ConnectionFields))]
    public void A_connection_status_that_differs_in_one_field_is_not_the_same(string field)
    {
        var changed = Connection();
        ConnectionEdits[field](changed);

        Assert.False(StatusEquality.Same(Connection(), changed));
        Assert.False(StatusEquality.Same(changed, Connection()));
    }

    /// <summary>Every kind of field set: scalars, times, conditions, a list, a nested object with a list, a record.</summary>
    private static ClusterBackupScheduleStatus Schedule() => new ClusterBackupScheduleStatus
    {
        LastScheduleTime = Now.AddHours(-1),
        LastSuccessfulTime = Now.AddMinutes(-50),
        NextScheduleTime = Now.AddHours(1),
        NextFullScheduleTime = Now.AddHours(14),
        NextIncrementalScheduleTime = Now.AddHours(1),
        Active = ["nightly-20261201120000"],
        LastBackup = new ScheduledBackupSummary
        {
            Name = "nightly-20261201110000",
            DataBackupMode = OcpValues.IncrementalBackup,
            Phase = BackupPhase.Succeeded,
            TaskIds = [3000001],
            CompletedAt = Now.AddMinutes(-50),
        },
        MissedSlots = 2,
        ObservedSchedule = new ObservedSchedule { Schedule = "0 2 * * *", IncrementalSchedule = "0 * * * *", TimeZone = "UTC", Suspend = false },
        LastRunNowToken = "release-1",
    }.SetValid(suspended: false, "next backup at 13:00", Now, 5);

    private static ClusterOcpConnectionStatus Connection() =>
        new ClusterOcpConnectionStatus().SetReady("OCP answered an authenticated read (Basic credentials)", Now, 3);
}
