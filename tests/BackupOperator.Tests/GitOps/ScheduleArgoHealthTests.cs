using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using k8s;
using static BackupOperator.Tests.GitOps.ArgoHealthScript;

namespace BackupOperator.Tests.GitOps;

/// <summary>config/argocd/schedule-health.lua run by a real Lua interpreter, the way Argo CD runs it: a global obj, a returned hs.</summary>
public sealed class ScheduleArgoHealthTests
{
    private static readonly string Script = Load("schedule-health.lua");

    [Theory]
    [InlineData("schedule-no-status", "Progressing", "Waiting for the operator")]
    [InlineData("schedule-no-conditions", "Progressing", "Waiting for the operator")]
    [InlineData("schedule-invalid-cron", "Degraded", "spec.schedule '0 1 * *' has 4 fields; write 5 (minute hour day-of-month month day-of-week), 6 (seconds first) or one of @hourly, @daily, @weekly, @monthly, @yearly")]
    [InlineData("schedule-unknown-time-zone", "Degraded", "spec.timeZone 'Asia/Shangai' is not a known IANA time zone; write a name such as UTC, Asia/Shanghai or Europe/Berlin")]
    [InlineData("schedule-suspended", "Suspended", "spec.suspend is true: no new backups")]
    [InlineData("schedule-last-failed", "Degraded", "last backup nightly-20261124170000 failed")]
    [InlineData("schedule-healthy", "Healthy", "next backup at 2026-11-25T10:00:00Z")]
    [InlineData("schedule-no-next", "Healthy", "the crons name no future instant: no backup will run")]
    public void Each_case_has_its_health(string sample, string status, string message) =>
        Assert.Equal((status, message), Run(Script, Sample(sample)));

    [Theory]
    [InlineData("schedule-invalid-cron")]
    [InlineData("schedule-unknown-time-zone")]
    [InlineData("schedule-suspended")]
    [InlineData("schedule-last-failed")]
    [InlineData("schedule-healthy")]
    [InlineData("schedule-no-next")]
    public void A_sample_is_InvalidSchedule_exactly_when_its_spec_does_not_parse_and_with_the_parsers_words(string sample)
    {
        var schedule = KubernetesJson.Deserialize<V1alpha1ClusterBackupSchedule>(Sample(sample));
        var invalid = schedule.Status.Condition(ClusterBackupScheduleStatusTransitions.InvalidSchedule)!;

        var parses = CronSchedule.TryParse(schedule.Spec, out _, out var error);

        Assert.Equal(parses ? "False" : "True", invalid.Status);
        if (error is not null)
        {
            Assert.Equal((error.Reason, error.Message), (invalid.Reason, invalid.Message));
        }
    }

    [Theory]
    [InlineData("""{"spec": {"suspend": true}, "status": {"conditions": [{"type": "InvalidSchedule", "status": "True", "reason": "InvalidCron", "message": "spec.schedule is empty"}]}}""",
        "Degraded", "spec.schedule is empty")]
    [InlineData("""{"spec": {}, "status": {"conditions": [{"type": "InvalidSchedule", "status": "True", "reason": "UnknownTimeZone"}]}}""",
        "Degraded", "UnknownTimeZone")]
    [InlineData("""{"spec": {"suspend": true}, "status": {"conditions": [{"type": "Ready", "status": "False"}], "lastBackup": {"name": "n-1", "phase": "Failed"}}}""",
        "Suspended", "spec.suspend is true: no new backups")]
    [InlineData("""{"spec": {"suspend": false}, "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Scheduling"}], "lastBackup": {"phase": "Unknown"}}}""",
        "Healthy", "Scheduling")]
    [InlineData("""{"spec": {}, "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "CreateRefused", "message": "the API server refused the backup nightly-1: forbidden"}], "nextScheduleTime": "2026-11-25T10:00:00Z"}}""",
        "Degraded", "the API server refused the backup nightly-1: forbidden")]
    [InlineData("""{"spec": {}, "status": {}}""", "Progressing", "Waiting for the operator")]
    public void The_first_rule_that_matches_wins_and_a_missing_message_falls_back_to_the_reason(string json, string status, string message) =>
        Assert.Equal((status, message), Run(Script, json));

    [Fact]
    public void The_argocd_cm_patch_installs_the_same_script() =>
        Assert.Equal(Script, Installed(V1alpha1ClusterBackupSchedule.EntityKind));
}
