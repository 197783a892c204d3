using System.Globalization;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// ClusterBackupSchedule against the real API server and the simulator, on seconds-granular crons:
/// one child per slot with the slot's mode, each reporting the backup it started; never two for one
/// slot when the operator is SIGKILLed or leadership moves at the slot, and every slot accounted for
/// (a child, or counted as missed or skipped); run-now tokens; bad input; history limits.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ScheduleTests(E2EEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_seconds_granular_schedule_runs_one_backup_per_slot_with_its_mode()
    {
        const long clusterId = 9201;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("every-2s", clusterId, "*/4 * * * * *", "*/2 * * * * *");
        spec.Spec.ConcurrencyPolicy = ConcurrencyPolicies.Allow;
        spec.Spec.SuccessfulBackupsHistoryLimit = 100;
        var schedule = await env.CreateScheduleAsync(spec, ct);

        await env.UntilAsync(async () => (await env.ChildrenAsync("every-2s", ct)).Count >= 5, Timeout, "5 children", ct);
        await env.PatchScheduleAsync("every-2s", new { spec = new { suspend = true } }, ct);
        var children = await FinishedChildrenAsync("every-2s", ct);

        var slots = children.Select(c => ScheduleOps.SlotOf(c)!.Value).Order().ToList();
        Assert.Equal(slots.Count, slots.Distinct().Count());
        // Every slot since creation is accounted for: the slots that passed before the operator first saw the
        // schedule (a loaded machine can take seconds) are counted missed, the first child runs the slot after
        // them, and none was left out while the operator ran.
        var missedBeforeFirst = (await env.GetScheduleAsync("every-2s", ct)).Status!.MissedSlots ?? 0;
        Assert.Equal(SlotTally.FirstSlotAfter(schedule.Metadata.CreationTimestamp!.Value, 2) + TimeSpan.FromSeconds(2 * missedBeforeFirst), slots[0]);
        Assert.All(slots.Zip(slots.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(2), p.Second - p.First));
        foreach (var child in children)
        {
            var slot = ScheduleOps.SlotOf(child)!.Value;
            Assert.Equal("every-2s-" + slot.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), child.Metadata.Name);
            Assert.Equal(slot.Second % 4 == 0 ? OcpValues.FullBackup : OcpValues.IncrementalBackup, child.Spec.DataBackupMode);
            Assert.Equal("db", child.Metadata.Labels["team"]);
            var owner = Assert.Single(child.Metadata.OwnerReferences);
            Assert.Equal((V1alpha1ClusterBackupSchedule.EntityKind, "every-2s", schedule.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
            Assert.Equal(BackupPhase.Succeeded, child.Status!.Phase);
        }

        await AssertEachChildReportsItsOwnBackupAsync(children, clusterId, ct);
        var status = (await env.GetScheduleAsync("every-2s", ct)).Status!;
        Assert.Equal(missedBeforeFirst, status.MissedSlots ?? 0);
        Assert.Equal(children.MaxBy(c => ScheduleOps.SlotOf(c))!.Metadata.Name, status.LastBackup!.Name);
        Assert.Equal(BackupPhase.Succeeded, status.LastBackup.Phase);
        Assert.NotNull(status.LastSuccessfulTime);
        Assert.Null(status.NextScheduleTime);
        Assert.Equal("True", status.Condition(ClusterBackupScheduleStatusTransitions.Suspended)?.Status);
        await env.WaitForEventAsync("every-2s", e => e.Reason == "Scheduled" && e.Note.Contains(slots[0].UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), StringComparison.Ordinal), ct);
    }

    [Fact]
    public async Task Killed_at_slots_the_operator_never_runs_a_slot_twice_and_accounts_for_every_slot()
    {
        const long clusterId = 9202;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("kill-at-slot", clusterId, "*/3 * * * * *");
        spec.Spec.ConcurrencyPolicy = ConcurrencyPolicies.Allow;
        spec.Spec.SuccessfulBackupsHistoryLimit = 100;
        await env.CreateScheduleAsync(spec, ct);
        try
        {
            await env.UntilAsync(async () => (await env.ChildrenAsync("kill-at-slot", ct)).Count >= 1, Timeout, "a first child", ct);
            // SIGKILL around the slot: just before it, at it, and just after the child may have been created.
            foreach (var offset in new[] { 150, 0, -60, -250 })
            {
                await DisturbAtSlotAsync("kill-at-slot", 3, TimeSpan.FromMilliseconds(offset), async () =>
                {
                    env.Operator.Kill();
                    await env.RestartOperatorAsync(ct);
                }, newChildren: 1, "a child after the restart", ct);
            }

            await FreezeAndCheckAsync("kill-at-slot", clusterId, 3, ct);
        }
        finally
        {
            await EnsureOperatorAsync(ct);
        }
    }

    [Fact]
    public async Task Leadership_moving_at_a_slot_never_runs_it_twice()
    {
        const long clusterId = 9203;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("failover-at-slot", clusterId, "*/3 * * * * *");
        spec.Spec.ConcurrencyPolicy = ConcurrencyPolicies.Allow;
        spec.Spec.SuccessfulBackupsHistoryLimit = 100;
        await env.CreateScheduleAsync(spec, ct);
        OperatorProcess? standby = null;
        try
        {
            await env.UntilAsync(async () => (await env.ChildrenAsync("failover-at-slot", ct)).Count >= 1, Timeout, "a first child", ct);
            // A second replica waits on the lease; the leader dies at the slot and the standby takes over.
            standby = await env.StartOperatorAsync(ct);
            await DisturbAtSlotAsync("failover-at-slot", 3, TimeSpan.FromMilliseconds(20), () => Kill(env.Operator), newChildren: 2, "children from the new leader", ct);

            // And back: a new replica waits, the current leader (the standby) dies just after a slot.
            await env.RestartOperatorAsync(ct);
            await DisturbAtSlotAsync("failover-at-slot", 3, TimeSpan.FromMilliseconds(-40), () => Kill(standby), newChildren: 2, "children after the second failover", ct);

            await FreezeAndCheckAsync("failover-at-slot", clusterId, 3, ct);
        }
        finally
        {
            standby?.Dispose();
            await EnsureOperatorAsync(ct);
        }
    }

    [Fact]
    public async Task Each_run_now_token_starts_exactly_one_full_backup_even_while_suspended()
    {
        const long clusterId = 9204;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("on-demand", clusterId, "0 0 1 1 *");
        spec.Spec.Suspend = true;
        await env.CreateScheduleAsync(spec, ct);
        try
        {
            await RunNowAsync("on-demand", "release-2026-12-01", ct);
            await env.UntilAsync(async () => (await env.GetScheduleAsync("on-demand", ct)).Status?.LastRunNowToken == "release-2026-12-01", Timeout, "token served", ct);
            var first = Assert.Single(await FinishedChildrenAsync("on-demand", ct));
            Assert.StartsWith("on-demand-now-", first.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal(OcpValues.FullBackup, first.Spec.DataBackupMode);
            Assert.Equal("release-2026-12-01", first.Metadata.Annotations[V1alpha1ClusterBackupSchedule.RunNowAnnotation]);

            // The same token again (a re-sync), and a restart: nothing new.
            await RunNowAsync("on-demand", "release-2026-12-01", ct);
            env.Operator.Kill();
            await env.RestartOperatorAsync(ct);
            // A harmless spec edit; its status written for the new generation is the restarted operator's look at it.
            await env.PatchScheduleAsync("on-demand", new { spec = new { failedBackupsHistoryLimit = 4 } }, ct);
            var generation = (await env.GetScheduleAsync("on-demand", ct)).Metadata.Generation;
            await env.UntilAsync(async () => (await env.GetScheduleAsync("on-demand", ct)).Status?.ObservedGeneration == generation, Timeout, "the edit observed", ct);
            Assert.Single(await env.ChildrenAsync("on-demand", ct));

            // A new token: one more FULL backup.
            await RunNowAsync("on-demand", "release-2026-12-02", ct);
            await env.UntilAsync(async () => (await env.ChildrenAsync("on-demand", ct)).Count == 2, Timeout, "a second child", ct);
            var children = await FinishedChildrenAsync("on-demand", ct);
            Assert.Equal(2, children.Count);
            Assert.All(children, c => Assert.Equal(OcpValues.FullBackup, c.Spec.DataBackupMode));
            await AssertEachChildReportsItsOwnBackupAsync(children, clusterId, ct);
        }
        finally
        {
            await EnsureOperatorAsync(ct);
        }
    }

    [Fact]
    public async Task A_bad_cron_or_time_zone_is_reported_and_an_edit_fixes_it()
    {
        const long clusterId = 9205;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("bad-cron", clusterId, "61 * * * *");
        spec.Spec.Immediate = true;
        await env.CreateScheduleAsync(spec, ct);

        var invalid = await WaitForConditionAsync("bad-cron", ClusterBackupScheduleStatusTransitions.InvalidSchedule, ct);
        Assert.Equal("InvalidCron", invalid.Reason);
        Assert.Contains("spec.schedule '61 * * * *'", invalid.Message, StringComparison.Ordinal);
        var warning = await env.WaitForEventAsync("bad-cron", e => e.Reason == "InvalidSchedule", ct);
        Assert.Equal("Warning", warning.Type);

        await env.PatchScheduleAsync("bad-cron", new { spec = new { schedule = "*/2 * * * * *", timeZone = "Mars/Olympus_Mons" } }, ct);
        await env.UntilAsync(async () => (await env.GetScheduleAsync("bad-cron", ct)).Status.Condition(ClusterBackupScheduleStatusTransitions.InvalidSchedule)?.Reason == "UnknownTimeZone",
            Timeout, "UnknownTimeZone", ct);
        Assert.Empty(await env.ChildrenAsync("bad-cron", ct));
        Assert.Equal(0, await env.Simulator.PostsAsync(clusterId, ct));

        // Fixed by an edit, no restart: it runs from now on.
        await env.PatchScheduleAsync("bad-cron", new { spec = new { timeZone = "Europe/Berlin" } }, ct);
        await env.UntilAsync(async () => (await env.GetScheduleAsync("bad-cron", ct)).Status.IsReady(), Timeout, "Ready", ct);
        await env.UntilAsync(async () => (await env.ChildrenAsync("bad-cron", ct)).Count >= 1, Timeout, "a child once fixed", ct);
        await env.PatchScheduleAsync("bad-cron", new { spec = new { suspend = true } }, ct);
        var children = await FinishedChildrenAsync("bad-cron", ct);
        await AssertEachChildReportsItsOwnBackupAsync(children, clusterId, ct);
    }

    [Fact]
    public async Task Removing_the_incremental_schedule_by_an_edit_keeps_the_schedule_running_full_backups()
    {
        // A status field removed inside status.observedSchedule must be removed on the API server too: a merge
        // patch merges nested objects field by field, so a stale observedSchedule.incrementalSchedule read as
        // "the timing changed" on every pass, and the schedule never ran again.
        const long clusterId = 9208;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("drop-incremental", clusterId, "*/4 * * * * *", "*/2 * * * * *");
        spec.Spec.ConcurrencyPolicy = ConcurrencyPolicies.Allow;
        spec.Spec.SuccessfulBackupsHistoryLimit = 100;
        await env.CreateScheduleAsync(spec, ct);
        await env.UntilAsync(async () => (await env.GetScheduleAsync("drop-incremental", ct)).Status?.ObservedSchedule?.IncrementalSchedule is not null,
            Timeout, "the incremental schedule observed", ct);

        await env.PatchScheduleAsync("drop-incremental", new { spec = new { incrementalSchedule = (string?)null } }, ct);
        var edited = DateTimeOffset.UtcNow;
        await env.UntilAsync(async () => (await env.GetScheduleAsync("drop-incremental", ct)).Status?.ObservedSchedule is { IncrementalSchedule: null },
            Timeout, "observedSchedule without the incremental schedule", ct);
        await env.UntilAsync(async () => (await env.ChildrenAsync("drop-incremental", ct)).Count(c => ScheduleOps.SlotOf(c) > edited.AddSeconds(4)) >= 2,
            Timeout, "2 children for slots after the edit", ct);
        await env.PatchScheduleAsync("drop-incremental", new { spec = new { suspend = true } }, ct);

        var children = await FinishedChildrenAsync("drop-incremental", ct);
        var after = children.Where(c => ScheduleOps.SlotOf(c) > edited.AddSeconds(4)).ToList();
        Assert.All(after, c => Assert.Equal(OcpValues.FullBackup, c.Spec.DataBackupMode));
        Assert.All(after, c => Assert.Equal(0, ScheduleOps.SlotOf(c)!.Value.Second % 4));
        await AssertEachChildReportsItsOwnBackupAsync(children, clusterId, ct);
    }

    [Fact]
    public async Task History_limits_delete_old_finished_children_and_never_a_backup_in_OCP()
    {
        const long clusterId = 9206;
        var ct = TestTimeout.Token();
        var spec = ScheduleOps.Nfs("short-history", clusterId, "*/2 * * * * *");
        spec.Spec.ConcurrencyPolicy = ConcurrencyPolicies.Allow;
        spec.Spec.SuccessfulBackupsHistoryLimit = 2;
        await env.CreateScheduleAsync(spec, ct);

        await env.UntilAsync(async () => await env.Simulator.PostsAsync(clusterId, ct) >= 5, Timeout, "5 backups", ct);
        await env.PatchScheduleAsync("short-history", new { spec = new { suspend = true } }, ct);
        await env.UntilAsync(async () => (await env.GetScheduleAsync("short-history", ct)).Status?.Active is null, Timeout, "no active child", ct);
        await env.UntilAsync(async () => (await env.ChildrenAsync("short-history", ct)).Count == 2, Timeout, "2 children kept", ct);

        var kept = await env.ChildrenAsync("short-history", ct);
        var posts = await env.Simulator.PostsAsync(clusterId, ct);
        Assert.True(posts >= 5);
        // The two kept are the newest; every backup OCP ran is still there.
        Assert.All(kept, c => Assert.Equal(BackupPhase.Succeeded, c.Status!.Phase));
        var newest = (await env.GetScheduleAsync("short-history", ct)).Status!.LastBackup!.Name;
        Assert.Contains(kept, c => c.Metadata.Name == newest);
        Assert.Equal(posts, (await env.Simulator.BackupsStartedAsync(ct))[clusterId].Count);
    }

    [Fact]
    public async Task Forbid_skips_slots_while_the_previous_backup_runs_and_counts_them()
    {
        const long clusterId = 9207;
        var ct = TestTimeout.Token();
        await env.Simulator.ConfigureAsync(new { taskDurationMs = 5000 }, ct);
        try
        {
            var spec = ScheduleOps.Nfs("forbid", clusterId, "*/2 * * * * *");
            spec.Spec.SuccessfulBackupsHistoryLimit = 100;
            await env.CreateScheduleAsync(spec, ct);
            await env.UntilAsync(async () => (await env.GetScheduleAsync("forbid", ct)).Status?.SkippedSlots >= 2, Timeout, "2 skipped slots", ct);
            var skipped = await env.WaitForEventAsync("forbid", e => e.Reason == "SkippedActive", ct);
            Assert.Contains("still active (concurrencyPolicy Forbid)", skipped.Note, StringComparison.Ordinal);
            await FreezeAndCheckAsync("forbid", clusterId, 2, ct);
        }
        finally
        {
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, ct);
            await EnsureOperatorAsync(ct);
        }
    }

    /// <summary>
    /// Freezes the schedule's status (SIGKILL), suspends it, restarts the operator, lets the children finish:
    /// every slot up to the frozen lastScheduleTime has one child or was counted, none has two, and each
    /// child reports the backup it started.
    /// </summary>
    private async Task FreezeAndCheckAsync(string name, long clusterId, int period, CancellationToken ct)
    {
        var (tally, children) = await env.FreezeAndCountAsync(name, period, () => env.RestartOperatorAsync(ct), TimeSpan.FromMinutes(3), ct);
        Assert.True(tally.Clean, string.Join('\n', tally.Problems));
        Assert.True(tally.Slots > 0);
        await AssertEachChildReportsItsOwnBackupAsync(children, clusterId, ct);
    }

    /// <summary>
    /// Waits until <paramref name="before"/> short of a slot of '*/<paramref name="period"/> * * * * *' (past it when
    /// negative), then <paramref name="disturb"/>s the operator, then waits until the schedule has <paramref name="newChildren"/>
    /// more children than before.
    /// </summary>
    private async Task DisturbAtSlotAsync(string schedule, int period, TimeSpan before, Func<Task> disturb, int newChildren, string what, CancellationToken ct)
    {
        var children = (await env.ChildrenAsync(schedule, ct)).Count;
        await ScheduleOps.JustBeforeSlotAsync(period, before > TimeSpan.Zero ? before : TimeSpan.Zero, ct);
        if (before < TimeSpan.Zero)
        {
            await Task.Delay(-before, ct);
        }

        await disturb();
        await env.UntilAsync(async () => (await env.ChildrenAsync(schedule, ct)).Count >= children + newChildren, Timeout, what, ct);
    }

    /// <summary>SIGKILL, as a disturbance: no restart.</summary>
    private static Task Kill(OperatorProcess replica)
    {
        replica.Kill();
        return Task.CompletedTask;
    }

    /// <summary>Each child's tasks are exactly those its own POSTs (its request id) started; one POST per child; no orphan.</summary>
    private async Task AssertEachChildReportsItsOwnBackupAsync(IReadOnlyList<V1alpha1ClusterBackupNow> children, long clusterId, CancellationToken ct)
    {
        var posts = (await env.Simulator.PostLogAsync(ct)).Where(p => p.ClusterId == clusterId).ToList();
        var report = Attribution.Check(children, posts, await env.Simulator.BackupsStartedAsync(ct), [clusterId]);
        Assert.True(report.Strict && report.Misattributed == 0 && report.Orphans == 0, string.Join('\n', report.Problems));
        Assert.All(children, c => Assert.Single(posts, p => p.RequestId == c.Status!.RequestId));
    }

    private Task<IReadOnlyList<V1alpha1ClusterBackupNow>> FinishedChildrenAsync(string schedule, CancellationToken ct) =>
        env.FinishedChildrenAsync(schedule, TimeSpan.FromMinutes(3), ct);

    private async Task RunNowAsync(string schedule, string token, CancellationToken ct) =>
        await env.PatchScheduleAsync(schedule, new { metadata = new { annotations = new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.RunNowAnnotation] = token } } }, ct);

    private async Task<V1Condition> WaitForConditionAsync(string schedule, string type, CancellationToken ct)
    {
        V1Condition? found = null;
        await env.UntilAsync(async () =>
        {
            found = (await env.GetScheduleAsync(schedule, ct)).Status.Condition(type);
            return found?.Status == "True";
        }, Timeout, $"{type}=True", ct);
        return found!;
    }

    private async Task EnsureOperatorAsync(CancellationToken ct)
    {
        if (env.Operator.HasExited)
        {
            await env.RestartOperatorAsync(ct);
        }
    }
}
