using System.Net;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// Names at the edge of what Kubernetes allows, on the real API server: a schedule with a name longer
/// than a label value, an object that already has a slot's name, a backup with the longest name, and
/// reference names that would move an API path.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class OddNameTests(E2EEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // 253 characters: the longest name a ClusterBackupNow can have.
    private static readonly string Longest = string.Join('.', Enumerable.Repeat(new string('l', 62), 4)) + ".b";

    [Fact]
    public async Task A_schedule_with_a_70_character_name_creates_children_labelled_with_the_shortened_value_and_is_Ready()
    {
        var ct = TestTimeout.Token();
        await EnsureOperatorAsync(ct);
        var name = "a-schedule-whose-name-is-longer-than-any-label-value-can-be-0123456789";
        Assert.Equal(70, name.Length);
        var schedule = await env.CreateScheduleAsync(ScheduleOps.Nfs(name, 9701, "*/2 * * * * *"), ct);

        await env.UntilAsync(async () => (await env.ChildrenAsync(name, ct)).Count >= 1, Timeout, "a child of the long-named schedule", ct);
        await env.PatchScheduleAsync(name, new { spec = new { suspend = true } }, ct);

        var child = (await env.ChildrenAsync(name, ct))[0];
        var label = child.Metadata.Labels[V1alpha1ClusterBackupSchedule.ScheduleLabel];
        Assert.Equal(ChildNames.LabelValue(name), label);
        Assert.True(label.Length <= 63, label);
        Assert.StartsWith(name[..40], label, StringComparison.Ordinal);
        Assert.Equal(ChildNames.ForSlot(name, ScheduleOps.SlotOf(child)!.Value), child.Metadata.Name);
        var owner = Assert.Single(child.Metadata.OwnerReferences);
        Assert.Equal((name, schedule.Metadata.Uid, true), (owner.Name, owner.Uid, owner.Controller));
        // The schedule's status is written right after the child is created: wait for it, then read it.
        await env.UntilAsync(async () => (await env.GetScheduleAsync(name, ct)).Status?.LastScheduleTime is not null, Timeout, "the long-named schedule's status", ct);
        var status = (await env.GetScheduleAsync(name, ct)).Status!;
        Assert.NotEqual("True", status.Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)?.Status);
    }

    [Fact]
    public async Task A_backup_that_already_has_a_slots_name_is_never_taken_as_the_schedules_and_the_slot_is_reported_and_counted()
    {
        var ct = TestTimeout.Token();
        await EnsureOperatorAsync(ct);
        const string name = "name-taken";
        var spec = ScheduleOps.Nfs(name, 9702, "*/2 * * * * *");
        spec.Spec.ConcurrencyPolicy = ConcurrencyPolicies.Allow; // so no slot is skipped for an active backup
        spec.Spec.SuccessfulBackupsHistoryLimit = 100;
        var schedule = await env.CreateScheduleAsync(spec, ct);
        await env.UntilAsync(async () => (await env.ChildrenAsync(name, ct)).Count >= 1, Timeout, "the schedule's first child", ct);

        // A slot a few seconds ahead, taken by a team's own backup of another cluster before it comes.
        var now = DateTimeOffset.UtcNow;
        var slot = DateTimeOffset.FromUnixTimeSeconds((now.ToUnixTimeSeconds() / 2 * 2) + 6);
        var takenName = ChildNames.ForSlot(name, slot);
        await env.CreateBackupAsync(Backups.Nfs(takenName, 9703), ct);

        await env.UntilAsync(async () => (await env.GetScheduleAsync(name, ct)).Status?.LastScheduleTime > slot.UtcDateTime.AddSeconds(2),
            Timeout, "two slots after the taken one handled", ct);
        await env.PatchScheduleAsync(name, new { spec = new { suspend = true } }, ct);

        var taken = await env.GetBackupAsync(takenName, ct);
        Assert.Null(taken.Metadata.OwnerReferences);
        Assert.Equal(9703, taken.Spec.ClusterId);
        var children = await env.ChildrenAsync(name, ct);
        Assert.DoesNotContain(children, c => c.Metadata.Name == takenName);
        Assert.Contains(children, c => ScheduleOps.SlotOf(c) > slot); // the schedule went on
        var status = (await env.GetScheduleAsync(name, ct)).Status!;
        Assert.True(status.SkippedSlots >= 1, $"skippedSlots {status.SkippedSlots}");
        Assert.DoesNotContain(takenName, status.Active ?? []);
        var told = await env.WaitForEventAsync(name, e => e.Reason == "BackupNotCreated", ct);
        Assert.Equal("Warning", told.Type);
        Assert.Contains("NameTaken", told.Note, StringComparison.Ordinal);
        Assert.Contains(takenName, told.Note, StringComparison.Ordinal);
        Assert.Equal(schedule.Metadata.Uid, told.Regarding.Uid);
    }

    [Fact]
    public async Task A_backup_with_a_253_character_name_runs_and_gets_its_events()
    {
        var ct = TestTimeout.Token();
        await EnsureOperatorAsync(ct);
        Assert.Equal(253, Longest.Length);
        await env.CreateBackupAsync(Backups.Nfs(Longest, 9704), ct);

        var done = await env.WaitForPhaseAsync(Longest, [BackupPhase.Succeeded, BackupPhase.Failed], Timeout, ct);

        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        var told = await env.WaitForEventAsync(Longest, e => e.Reason == "Succeeded", ct);
        Assert.True(told.Metadata.Name.Length <= 253, told.Metadata.Name);
        Assert.Equal(Longest, told.Regarding.Name);
    }

    public static TheoryData<string, string> BadReferences => new()
    {
        { "backup ocpSecretRef ..", "spec.ocpSecretRef.name" },
        { "backup ocpSecretRef a/b", "spec.ocpSecretRef.name" },
        { "backup ocpConnectionRef ..", "spec.ocpConnectionRef.name" },
        { "backup accessKeySecretRef ..", "accessKeySecretRef.name" },
        { "schedule ocpSecretRef ..", "spec.backupTemplate.spec.ocpSecretRef.name" },
        { "connection credentials namespace ..", "spec.credentialsSecretRef.namespace" },
        { "connection credentials name a/b", "spec.credentialsSecretRef.name" },
    };

    [Theory]
    [MemberData(nameof(BadReferences))]
    public async Task Reference_names_that_would_move_an_API_path_are_refused_at_admission(string what, string field)
    {
        var ct = TestTimeout.Token();
        var suffix = Math.Abs(what.GetHashCode(StringComparison.Ordinal)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Func<Task> create = what switch
        {
            "backup ocpSecretRef .." => () => env.CreateBackupAsync(Backups.Nfs("ref-" + suffix, 9705, secret: ".."), ct),
            "backup ocpSecretRef a/b" => () => env.CreateBackupAsync(Backups.Nfs("ref-" + suffix, 9705, secret: "a/b"), ct),
            "backup ocpConnectionRef .." => () =>
            {
                var b = Backups.Nfs("ref-" + suffix, 9705);
                (b.Spec.OcpSecretRef, b.Spec.OcpConnectionRef) = (null, new OcpConnectionReference { Name = ".." });
                return env.CreateBackupAsync(b, ct);
            }
            ,
            "backup accessKeySecretRef .." => () =>
            {
                var b = Backups.Nfs("ref-" + suffix, 9705);
                var info = b.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!;
                (info.BackupStorageType, info.StorageUrl, info.AccessKeySecretRef) = ("BACKUP_STORAGE_S3", "s3://bucket/ob", new AccessKeySecretReference { Name = ".." });
                return env.CreateBackupAsync(b, ct);
            }
            ,
            "schedule ocpSecretRef .." => () =>
            {
                var s = ScheduleOps.Nfs("ref-" + suffix, 9705, "0 2 * * *");
                s.Spec.BackupTemplate.Spec.OcpSecretRef = new LocalSecretReference { Name = ".." };
                return env.CreateScheduleAsync(s, ct);
            }
            ,
            _ => () => Manifests.CreateConnectionAsync(env.Admin, new V1alpha1ClusterOcpConnection
            {
                Metadata = new V1ObjectMeta { Name = "ref-" + suffix },
                Spec = new ClusterOcpConnectionSpec
                {
                    Url = "http://127.0.0.1:1",
                    CredentialsSecretRef = what.Contains("namespace", StringComparison.Ordinal)
                        ? new SecretReference { Namespace = "..", Name = "ocp" }
                        : new SecretReference { Namespace = "backup-operator-system", Name = "a/b" },
                    Namespaces = [E2EEnvironment.Namespace],
                },
            }, ct),
        };

        var e = await Assert.ThrowsAsync<HttpOperationException>(create);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.Contains(field, e.Response.Content, StringComparison.Ordinal);
        Assert.Contains("should match", e.Response.Content, StringComparison.Ordinal);
    }

    private async Task EnsureOperatorAsync(CancellationToken ct)
    {
        if (env.Operator.HasExited)
        {
            await env.RestartOperatorAsync(ct);
        }
    }
}
