using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.Tests.Entities;

/// <summary>The ClusterBackupSchedule types carry the contract's names (issue 12); conditions move by Conditions.Set.</summary>
public sealed class ClusterBackupScheduleTests
{
    private static readonly DateTime Now = new(2026, 5, 1, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_kind_has_the_contracts_names()
    {
        var attr = typeof(V1alpha1ClusterBackupSchedule).GetCustomAttribute<KubernetesEntityAttribute>()!;

        Assert.Equal(("ocp.oceanbase.com", "v1alpha1", "ClusterBackupSchedule", "clusterbackupschedules"), (attr.Group, attr.ApiVersion, attr.Kind, attr.PluralName));
        Assert.Equal("cbs", V1alpha1ClusterBackupSchedule.ShortName);
        Assert.Equal("ocp.oceanbase.com/v1alpha1", new V1alpha1ClusterBackupSchedule().ApiVersion);
        Assert.Equal("ocp.oceanbase.com/schedule", V1alpha1ClusterBackupSchedule.ScheduleLabel);
        Assert.Equal("ocp.oceanbase.com/scheduled-at", V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation);
        Assert.Equal("ocp.oceanbase.com/run-now", V1alpha1ClusterBackupSchedule.RunNowAnnotation);
    }

    [Fact]
    public void A_schedule_in_YAML_reads_with_the_contracts_field_names()
    {
        var s = KubernetesYaml.Deserialize<V1alpha1ClusterBackupSchedule>("""
            apiVersion: ocp.oceanbase.com/v1alpha1
            kind: ClusterBackupSchedule
            metadata: {name: nightly, namespace: db}
            spec:
              schedule: "0 2 * * *"
              incrementalSchedule: "0 * * * *"
              timeZone: Asia/Shanghai
              suspend: true
              immediate: true
              startingDeadlineSeconds: 600
              concurrencyPolicy: Allow
              successfulBackupsHistoryLimit: 5
              failedBackupsHistoryLimit: 1
              backupTemplate:
                metadata:
                  labels: {team: db}
                  annotations: {note: nightly}
                spec:
                  clusterId: 42
                  backupMode: PHYSICAL_BACKUP
                  obBackupObject: {clusterId: 42, backupDimension: CLUSTER}
                  obBackupServiceStorageConfig: {configName: nfs, obBackupStorageBaseInfo: {backupStorageType: BACKUP_STORAGE_FILE, storageUrl: file:///backup}}
                  ocpConnectionRef: {name: main}
                  ttlSecondsAfterFinished: 86400
            status:
              observedGeneration: 4
              conditions: [{type: Ready, status: "True", reason: Scheduling, message: ok, lastTransitionTime: "2026-05-01T00:00:00Z"}]
              lastScheduleTime: "2026-05-01T02:00:00Z"
              lastSuccessfulTime: "2026-05-01T02:10:00Z"
              nextScheduleTime: "2026-05-01T03:00:00Z"
              nextFullScheduleTime: "2026-05-02T02:00:00Z"
              nextIncrementalScheduleTime: "2026-05-01T03:00:00Z"
              active: [nightly-20260501020000]
              lastBackup: {name: nightly-20260501020000, dataBackupMode: FULL_BACKUP, phase: Succeeded, taskIds: [7, 8], completedAt: "2026-05-01T02:10:00Z"}
              missedSlots: 2
              lastRunNowToken: drill-1
            """);

        Assert.Equal(("0 2 * * *", "0 * * * *", "Asia/Shanghai"), (s.Spec.Schedule, s.Spec.IncrementalSchedule, s.Spec.EffectiveTimeZone));
        Assert.Equal((true, true, 600L, "Allow", 5, 1), (s.Spec.Suspend, s.Spec.Immediate, s.Spec.StartingDeadlineSeconds, s.Spec.EffectiveConcurrencyPolicy,
            s.Spec.EffectiveSuccessfulBackupsHistoryLimit, s.Spec.EffectiveFailedBackupsHistoryLimit));
        Assert.Equal("db", s.Spec.BackupTemplate.Metadata!.Labels!["team"]);
        Assert.Equal("nightly", s.Spec.BackupTemplate.Metadata.Annotations!["note"]);
        var t = s.Spec.BackupTemplate.Spec;
        Assert.Equal((42L, "PHYSICAL_BACKUP", "CLUSTER", "nfs", "main", 86400), (t.ClusterId, t.BackupMode, t.ObBackupObject!.BackupDimension,
            t.ObBackupServiceStorageConfig!.ConfigName, t.OcpConnectionRef!.Name, t.TtlSecondsAfterFinished));
        var st = s.Status!;
        Assert.Equal(4, st.ObservedGeneration);
        Assert.True(st.IsReady());
        Assert.Equal(Now, st.LastScheduleTime);
        Assert.Equal(Now.AddMinutes(10), st.LastSuccessfulTime);
        Assert.Equal(Now.AddHours(1), st.NextScheduleTime);
        Assert.Equal(Now.AddDays(1), st.NextFullScheduleTime);
        Assert.Equal(Now.AddHours(1), st.NextIncrementalScheduleTime);
        Assert.Equal(["nightly-20260501020000"], st.Active!);
        Assert.Equal(("nightly-20260501020000", "FULL_BACKUP", "Succeeded"), (st.LastBackup!.Name, st.LastBackup.DataBackupMode, st.LastBackup.Phase));
        Assert.Equal([7L, 8L], st.LastBackup.TaskIds!);
        Assert.Equal(Now.AddMinutes(10), st.LastBackup.CompletedAt);
        Assert.Equal((2L, "drill-1"), (st.MissedSlots, st.LastRunNowToken));
    }

    [Fact]
    public void Defaults_are_UTC_Forbid_and_three_of_each()
    {
        var spec = new ClusterBackupScheduleSpec { Schedule = "@daily" };

        Assert.Equal(("UTC", "Forbid", 3, 3), (spec.EffectiveTimeZone, spec.EffectiveConcurrencyPolicy,
            spec.EffectiveSuccessfulBackupsHistoryLimit, spec.EffectiveFailedBackupsHistoryLimit));
        Assert.Equal(["Forbid", "Allow"], ConcurrencyPolicies.All);
    }

    [Fact]
    public void The_template_spec_has_the_backup_spec_fields_except_dataBackupMode()
    {
        static HashSet<string> Names(Type t) => [.. t.GetProperties().Select(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name).OfType<string>()];

        var backup = Names(typeof(ClusterBackupNowSpec));
        backup.Remove("dataBackupMode");

        Assert.Equal(backup.Order(), Names(typeof(BackupTemplateSpec)).Order());
    }

    [Fact]
    public void A_child_spec_is_a_deep_copy_of_the_template_with_the_slots_mode()
    {
        var template = new BackupTemplateSpec
        {
            ClusterId = 42,
            BackupMode = "PHYSICAL_BACKUP",
            ObBackupObject = new ObBackupObject { ClusterId = 42, BackupDimension = "CLUSTER" },
            ObBackupServiceStorageConfig = new ObBackupServiceStorageConfig
            {
                ConfigName = "oss",
                ObBackupStorageBaseInfo = new ObBackupStorageBaseInfo { AccessKeySecretRef = new AccessKeySecretReference { Name = "ak" } },
            },
            OcpSecretRef = new LocalSecretReference { Name = "ocp" },
            TtlSecondsAfterFinished = 60,
        };

        var child = template.ToBackupNowSpec(OcpValues.IncrementalBackup);
        template.ObBackupObject.BackupDimension = "TENANT";

        Assert.Equal("INCREMENTAL_BACKUP", child.DataBackupMode);
        Assert.Equal(42, child.ClusterId);
        Assert.Equal("CLUSTER", child.ObBackupObject!.BackupDimension);
        Assert.Equal("ak", child.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.AccessKeySecretRef!.Name);
        Assert.Equal("ocp", child.OcpSecretRef!.Name);
        Assert.Null(child.OcpConnectionRef);
        Assert.Equal(60, child.TtlSecondsAfterFinished);
    }

    [Fact]
    public void Unset_fields_are_left_out_of_the_JSON()
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(new V1alpha1ClusterBackupSchedule { Spec = new ClusterBackupScheduleSpec { Schedule = "@daily" } }))!;

        Assert.Equal(["backupTemplate", "schedule"], json["spec"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public void A_valid_schedule_is_Ready_and_a_suspended_one_is_Suspended_and_not_Ready()
    {
        var s = new ClusterBackupScheduleStatus().SetValid(suspended: false, "next FULL at 02:00", Now, 1);

        Assert.True(s.IsReady());
        Assert.False(s.IsInvalid());
        Assert.Equal("False", s.Condition(ClusterBackupScheduleStatusTransitions.Suspended)!.Status);

        s.SetValid(suspended: true, "suspended", Now.AddMinutes(5), 2);

        Assert.False(s.IsReady());
        var ready = s.Condition("Ready")!;
        Assert.Equal(("Suspended", Now.AddMinutes(5), 2L), (ready.Reason, ready.LastTransitionTime, ready.ObservedGeneration));
        Assert.Equal("True", s.Condition("Suspended")!.Status);
        Assert.Equal(Now, s.Condition("InvalidSchedule")!.LastTransitionTime); // did not flip
        Assert.Equal(2, s.ObservedGeneration);
    }

    [Fact]
    public void An_invalid_schedule_is_InvalidSchedule_with_the_reason_and_not_Ready_and_an_edit_fixes_it()
    {
        var s = new ClusterBackupScheduleStatus().SetValid(false, "ok", Now, 1);

        s.SetInvalid("UnknownTimeZone", "spec.timeZone 'Mars/Olympus' is not a known IANA time zone", Now.AddMinutes(1), 2);

        Assert.True(s.IsInvalid());
        Assert.False(s.IsReady());
        var invalid = s.Condition("InvalidSchedule")!;
        Assert.Equal(("UnknownTimeZone", Now.AddMinutes(1)), (invalid.Reason, invalid.LastTransitionTime));
        Assert.Contains("spec.timeZone", s.Condition("Ready")!.Message, StringComparison.Ordinal);

        s.SetValid(false, "ok", Now.AddMinutes(2), 3);

        Assert.False(s.IsInvalid());
        Assert.True(s.IsReady());
        Assert.Equal(3, s.Conditions!.Count);
    }
}
