using System.Globalization;
using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using k8s.Models;
using static BackupOperator.Tests.Reconciliation.ClusterBackupSchedule.Schedules;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupSchedule;

/// <summary>
/// What a user of a ClusterBackupSchedule relies on, driven through <see cref="ScheduleSim"/> (a clock,
/// the stored schedule and its children, passes as the operator runs them): every slot gets exactly one
/// child with the right name, mode and annotations; nothing runs twice, whatever is lost; nothing bursts.
/// </summary>
public sealed class ScheduleReconcilerTests
{
    private const string Full = OcpValues.FullBackup;
    private const string Incremental = OcpValues.IncrementalBackup;
    private const string Name = ScheduleSim.Name;

    // 5 fields, FULL at 02:00 and INCREMENTAL every hour: at 02:00 both fire, and it is one FULL.
    private const string Nightly = "0 2 * * *";
    private const string Hourly = "0 * * * *";

    private static readonly DateTimeOffset May1 = Utc(2026, 5, 1, 0, 30);

    /// <summary>zone, FULL cron, INCREMENTAL cron, first day: a plain week, and both of Berlin's daylight-saving weeks.</summary>
    public static TheoryData<string, string, string, string> Weeks => new()
    {
        { "Asia/Shanghai", Nightly, Hourly, "2026-05-04" },
        { "Europe/Berlin", Nightly, Hourly, "2026-03-26" }, // spring forward on Sunday 29 March: 02:00 does not exist
        { "Europe/Berlin", "30 2 * * *", "*/30 * * * *", "2026-10-22" }, // fall back on Sunday 25 October: 02:00-02:59 twice
        { "Europe/Berlin", "0 30 2 * * *", "0 0 */4 * * *", "2026-03-26" }, // 6 fields, seconds first
    };

    [Theory]
    [MemberData(nameof(Weeks))]
    public void Over_a_week_every_slot_gets_exactly_one_child_with_its_name_mode_and_annotations_on_time(string zone, string full, string incremental, string day)
    {
        var start = Day(day).AddMinutes(-7);
        var spec = Spec(full, incremental, zone);
        var sim = new ScheduleSim(spec, start).RunUntil(start.AddDays(7));

        var expected = ExpectedSlots.Between(spec, start, sim.Now);
        Assert.True(expected.Count >= 7 * 6, $"{expected.Count} slots");
        Assert.Contains(expected, s => s.IsFull);
        Assert.Contains(expected, s => !s.IsFull);
        AssertOneChildPerSlot(sim, expected);
        foreach (var (slot, child) in expected.Zip(sim.SlotChildren))
        {
            Assert.InRange(child.At - slot.At, TimeSpan.Zero, TimeSpan.FromSeconds(1)); // woken just after its slot
        }

        Assert.Equal(expected.Count, sim.EventsOf(ScheduleEvent.Scheduled).Count());
        Assert.All(sim.Events, e => Assert.Equal(ScheduleEvent.Scheduled, e.Reason));
        Assert.True(sim.Status.MissedSlots is null or 0);
        Assert.True(sim.Status.SkippedSlots is null or 0);
        Assert.Equal(expected[^1].At.UtcDateTime, sim.Status.LastScheduleTime);

        // The default history: three succeeded children are kept, the others deleted, none lost track of.
        Assert.Equal(3, sim.Children.Values.Count(c => c.Status?.Phase == BackupPhase.Succeeded));
        Assert.Equal(sim.Created.Select(c => c.Name).Order(), sim.Children.Keys.Concat(sim.Pruned).Order());
    }

    [Fact]
    public void On_Berlins_daylight_saving_nights_each_local_slot_runs_once_with_its_mode()
    {
        // Spring: 02:00 does not exist on 29 March; the FULL and that hour's INCREMENTAL run once, at 03:00 CEST (01:00 UTC).
        var spring = new ScheduleSim(Spec(Nightly, Hourly, "Europe/Berlin"), Utc(2026, 3, 28, 22, 30)).RunUntil(Utc(2026, 3, 29, 2, 30));

        Assert.Equal(
            [("20260328230000", Incremental), ("20260329000000", Incremental), ("20260329010000", Full), ("20260329020000", Incremental)],
            spring.Created.Select(c => (c.Name[^14..], c.Mode)));

        // Autumn: 02:00-02:59 happens twice on 25 October; 02:30 runs FULL in the first pass only, */30 fires in both.
        var autumn = new ScheduleSim(Spec("30 2 * * *", "*/30 * * * *", "Europe/Berlin"), Utc(2026, 10, 24, 23, 50)).RunUntil(Utc(2026, 10, 25, 2, 10));

        Assert.Equal(
            [("20261025000000", Incremental), ("20261025003000", Full), ("20261025010000", Incremental), ("20261025013000", Incremental), ("20261025020000", Incremental)],
            autumn.Created.Select(c => (c.Name[^14..], c.Mode)));
    }

    [Theory]
    [MemberData(nameof(Weeks))]
    public void Lost_status_writes_failures_and_expiring_children_never_run_a_slot_twice_nor_skip_one(string zone, string full, string incremental, string day)
    {
        var start = Day(day).AddMinutes(-7);
        var spec = Spec(full, incremental, zone);
        var random = new Random(20261201);
        var sim = new ScheduleSim(spec, start)
        {
            // A third of the passes crash after their child is created and before the status is written.
            Faults = _ => random.NextDouble() < 0.33 ? PassFault.LoseStatusWrite : PassFault.None,
            Fails = _ => random.NextDouble() < 0.2,
            TtlAfterFinished = TimeSpan.FromMinutes(1),
            Resync = TimeSpan.FromMinutes(7),
        };

        sim.RunUntil(start.AddDays(7));

        AssertOneChildPerSlot(sim, ExpectedSlots.Between(spec, start, sim.Now));
        Assert.True(sim.Status.MissedSlots is null or 0);
    }

    [Theory]
    [InlineData(1, ConcurrencyPolicies.Forbid)]
    [InlineData(2, ConcurrencyPolicies.Forbid)]
    [InlineData(3, ConcurrencyPolicies.Allow)]
    [InlineData(4, ConcurrencyPolicies.Allow)]
    [InlineData(5, ConcurrencyPolicies.Forbid)]
    public void Whatever_happens_nothing_runs_twice_nothing_catches_up_and_every_token_is_served_once(int seed, string policy)
    {
        var random = new Random(seed);
        var spec = Spec("0 2 * * *", "*/20 * * * *", "Europe/Berlin", s => (s.ConcurrencyPolicy, s.StartingDeadlineSeconds) = (policy, random.Next(2) == 0 ? null : 900));
        var start = Utc(2026, 10, 23, 9, 7);
        var sim = new ScheduleSim(spec, start)
        {
            Runs = _ => TimeSpan.FromMinutes(random.Next(1, 90)),
            Fails = _ => random.Next(5) == 0,
            TtlAfterFinished = TimeSpan.FromMinutes(random.Next(0, 30)),
            Faults = _ => random.Next(4) == 0 ? PassFault.LoseStatusWrite : random.Next(20) == 0 ? PassFault.RefuseCreate : PassFault.None,
        };
        var suspended = new List<(DateTimeOffset From, DateTimeOffset To)>();
        DateTimeOffset? suspendedSince = null;
        var tokens = 0;

        while (sim.Now < start.AddDays(4))
        {
            switch (random.Next(10))
            {
                case 0:
                    sim.Down(sim.Now + TimeSpan.FromMinutes(random.Next(1, 600)));
                    break;
                case 1:
                    if (suspendedSince is { } since)
                    {
                        suspended.Add((since, sim.Now));
                        suspendedSince = null;
                    }
                    else
                    {
                        suspendedSince = sim.Now;
                    }

                    sim.Edit(s => s.Suspend = suspendedSince is not null);
                    break;
                case 2:
                    sim.RunNow($"token-{++tokens}");
                    break;
                default:
                    break;
            }

            sim.Advance(TimeSpan.FromMinutes(random.Next(1, 180)));
        }

        if (suspendedSince is { } open)
        {
            suspended.Add((open, sim.Now));
        }

        sim.Resync = TimeSpan.FromMinutes(10);
        sim.Faults = _ => PassFault.None;
        sim.Advance(TimeSpan.FromMinutes(1)); // the last token, if pending, is served now

        var twice = sim.Created.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "created twice: " + string.Join(", ", twice));
        foreach (var child in sim.SlotChildren)
        {
            var slot = DateTimeOffset.Parse(child.ScheduledAt!, CultureInfo.InvariantCulture);
            Assert.Empty(ExpectedSlots.Between(spec, slot, child.At)); // created before the next slot passed: no catching up
            Assert.DoesNotContain(suspended, s => s.From <= slot && slot <= s.To);
            Assert.DoesNotContain(suspended, s => s.From <= child.At && child.At <= s.To);
        }

        // Every token is served once at most; the last one, and each that stayed long enough, is served.
        Assert.Equal($"token-{tokens}", sim.Status.LastRunNowToken);
        Assert.Contains(sim.RunNowChildren, c => c.RunNowToken == $"token-{tokens}");
        Assert.True(tokens >= 2 && sim.SlotChildren.Count() > 20, $"{tokens} tokens, {sim.SlotChildren.Count()} slot children");
    }

    [Fact]
    public void A_slot_whose_status_write_was_lost_stays_handled_once_its_child_is_gone()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1) { TtlAfterFinished = TimeSpan.FromMinutes(1) };
        var lost = false;
        sim.Faults = d =>
        {
            if (d.Create?.Slot == Utc(2026, 5, 1, 1) && !lost)
            {
                lost = true;
                return PassFault.LoseStatusWrite;
            }

            return PassFault.None;
        };

        // 01:00's child is created, the status write lost; the child runs 20 minutes and expires a minute later.
        sim.RunUntil(Utc(2026, 5, 1, 1, 40));

        Assert.True(lost);
        Assert.Contains(ChildNames.ForSlot(Name, Utc(2026, 5, 1, 1)), sim.ExpiredByTtl);
        AssertOneChildPerSlot(sim, [new Slot(Utc(2026, 5, 1, 1), Incremental)]);
        Assert.Equal(Utc(2026, 5, 1, 1).UtcDateTime, sim.Status.LastScheduleTime);
    }

    [Fact]
    public void Lost_status_writes_never_recreate_a_pruned_child()
    {
        var random = new Random(7);
        var spec = Spec(Nightly, Hourly, with: s => s.SuccessfulBackupsHistoryLimit = s.FailedBackupsHistoryLimit = 0);
        var sim = new ScheduleSim(spec, May1)
        {
            Runs = _ => TimeSpan.FromMinutes(3),
            Faults = _ => random.NextDouble() < 0.5 ? PassFault.LoseStatusWrite : PassFault.None,
            Resync = TimeSpan.FromMinutes(1),
        };

        sim.RunUntil(May1.AddDays(2));

        var expected = ExpectedSlots.Between(spec, May1, sim.Now);
        AssertOneChildPerSlot(sim, expected);
        Assert.True(sim.Pruned.Count >= expected.Count - 1, $"{sim.Pruned.Count} pruned");
    }

    [Fact]
    public void After_downtime_only_the_newest_passed_slot_runs_and_the_others_are_missed_with_one_event()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1).RunUntil(Utc(2026, 5, 1, 3, 30));

        // Down from 03:30 to 08:10: 04, 05, 06, 07 and 08 pass; 08:00 runs.
        sim.Down(Utc(2026, 5, 1, 8, 10)).RunUntil(Utc(2026, 5, 1, 11, 30));

        Assert.Equal(
            ["01", "02", "03", "08", "09", "10", "11"],
            sim.SlotChildren.Select(c => c.Name[^6..^4]));
        var afterDowntime = sim.SlotChildren.Single(c => c.Name == ChildNames.ForSlot(Name, Utc(2026, 5, 1, 8)));
        Assert.Equal(Utc(2026, 5, 1, 8, 10), afterDowntime.At);
        Assert.Equal(4, sim.Status.MissedSlots);
        var missed = Assert.Single(sim.EventsOf(ScheduleEvent.MissedSchedule));
        Assert.True(missed.Event.Warning);
        Assert.StartsWith("4 slot(s) after 2026-05-01T03:00:00Z were missed", missed.Event.Message, StringComparison.Ordinal);
        Assert.Equal(7, sim.EventsOf(ScheduleEvent.Scheduled).Count());
    }

    [Theory]
    [InlineData(5, 4, true)] // 08:00 is 5 minutes old at restart: it runs
    [InlineData(20, 5, false)] // 20 minutes old: past the 10-minute deadline, nothing runs
    public void After_downtime_the_newest_slot_runs_only_within_its_starting_deadline(int minutesLate, int missed, bool runs)
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => s.StartingDeadlineSeconds = 600), May1).RunUntil(Utc(2026, 5, 1, 3, 30));

        sim.Down(Utc(2026, 5, 1, 8, minutesLate)).RunUntil(Utc(2026, 5, 1, 8, 59));

        Assert.Equal(runs, sim.Created.Any(c => c.Name == ChildNames.ForSlot(Name, Utc(2026, 5, 1, 8))));
        Assert.Equal(3 + (runs ? 1 : 0), sim.Created.Count);
        Assert.Equal(missed, sim.Status.MissedSlots);
        Assert.Single(sim.EventsOf(ScheduleEvent.MissedSchedule));
        Assert.Equal(Utc(2026, 5, 1, 8).UtcDateTime, sim.Status.LastScheduleTime);
    }

    [Fact]
    public void A_long_downtime_is_one_child_and_one_event_not_a_burst()
    {
        var sim = new ScheduleSim(Spec("*/5 * * * *"), May1) { Runs = _ => TimeSpan.FromMinutes(1) }.RunUntil(Utc(2026, 5, 1, 1));

        sim.Down(Utc(2026, 5, 11, 1, 2)).RunUntil(Utc(2026, 5, 11, 1, 4));

        Assert.Equal(ChildNames.ForSlot(Name, Utc(2026, 5, 11, 1)), sim.Created[^1].Name);
        Assert.Equal(7, sim.Created.Count); // 00:35 .. 01:00, then 11 May 01:00
        Assert.Equal((10 * 24 * 12) - 1, sim.Status.MissedSlots);
        Assert.Single(sim.EventsOf(ScheduleEvent.MissedSchedule));
    }

    [Fact]
    public void A_run_now_token_is_served_once_with_one_FULL_child_across_many_passes()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1) { Resync = TimeSpan.FromSeconds(30) }.RunUntil(Utc(2026, 5, 1, 1, 10));

        sim.RunNow("  drill-1 ").RunUntil(Utc(2026, 5, 1, 3, 10));

        var child = Assert.Single(sim.RunNowChildren);
        Assert.Equal(ChildNames.ForRunNow(Name, "drill-1"), child.Name);
        Assert.Equal(Full, child.Mode);
        Assert.Equal("drill-1", child.RunNowToken);
        Assert.Null(child.ScheduledAt);
        Assert.Equal(Utc(2026, 5, 1, 1, 10), child.At);
        Assert.Equal("drill-1", sim.Status.LastRunNowToken);
        Assert.Single(sim.EventsOf(ScheduleEvent.Scheduled), e => e.Event.Message.Contains("run-now", StringComparison.Ordinal));
        Assert.Equal(3, sim.SlotChildren.Count()); // the slots go on as before

        // A new value is a new request; removing the annotation is none.
        sim.RunNow("drill-2").Advance(TimeSpan.FromMinutes(1));
        sim.RunNow(null).Advance(TimeSpan.FromMinutes(1));
        sim.RunNow("   ").Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["drill-1", "drill-2"], sim.RunNowChildren.Select(c => c.RunNowToken));
        Assert.Equal("drill-2", sim.Status.LastRunNowToken);
    }

    [Fact]
    public void A_run_now_token_whose_status_write_was_lost_is_not_served_twice()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1).RunUntil(Utc(2026, 5, 1, 0, 40));
        sim.RunNow("drill-1");

        var first = sim.Pass(PassFault.LoseStatusWrite);
        sim.Advance(TimeSpan.FromHours(1));

        Assert.Equal("drill-1", first.Create!.RunNowToken);
        Assert.Single(sim.RunNowChildren);
        Assert.Equal("drill-1", sim.Status.LastRunNowToken);
    }

    [Fact]
    public void A_run_now_token_and_a_slot_in_one_pass_give_two_children_the_slot_first()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1).RunUntil(Utc(2026, 5, 1, 0, 59));
        sim.Down(Utc(2026, 5, 1, 1, 0, 30));
        sim.RunNow("drill-1");

        var pass = sim.Pass();

        Assert.Equal(Utc(2026, 5, 1, 1), pass.Create!.Slot);
        Assert.Equal(TimeSpan.Zero, pass.RequeueAfter);
        sim.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([ChildNames.ForSlot(Name, Utc(2026, 5, 1, 1)), ChildNames.ForRunNow(Name, "drill-1")], sim.Created.Select(c => c.Name));
    }

    [Fact]
    public void Forbid_skips_a_slot_while_a_child_is_active_and_counts_it_once()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1) { Runs = _ => null };
        var lostOnce = false;
        sim.Faults = d =>
        {
            // The first skip's status write is lost: counted and told once all the same.
            if (d.Status.SkippedSlots == 1 && !lostOnce)
            {
                lostOnce = true;
                return PassFault.LoseStatusWrite;
            }

            return PassFault.None;
        };

        sim.RunUntil(Utc(2026, 5, 1, 3, 30));

        Assert.True(lostOnce);
        var only = Assert.Single(sim.Created);
        Assert.Equal(ChildNames.ForSlot(Name, Utc(2026, 5, 1, 1)), only.Name);
        Assert.Equal(2, sim.Status.SkippedSlots);
        Assert.Equal(
            [$"slot 2026-05-01T02:00:00Z ({Full}) skipped: {only.Name} still active (concurrencyPolicy Forbid)",
             $"slot 2026-05-01T03:00:00Z ({Incremental}) skipped: {only.Name} still active (concurrencyPolicy Forbid)"],
            sim.EventsOf(ScheduleEvent.SkippedActive).Select(e => e.Event.Message));
        Assert.Equal([only.Name], sim.Status.Active);
        Assert.True(sim.Status.MissedSlots is null or 0);

        // Once it finishes, the next slot runs; the skipped ones never do.
        sim.Finish(only.Name);
        sim.RunUntil(Utc(2026, 5, 1, 4, 30));

        Assert.Equal([only.Name, ChildNames.ForSlot(Name, Utc(2026, 5, 1, 4))], sim.Created.Select(c => c.Name));
        Assert.Equal(2, sim.Status.SkippedSlots);
    }

    [Fact]
    public void Allow_creates_every_slots_child_while_others_are_active()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => s.ConcurrencyPolicy = ConcurrencyPolicies.Allow), May1) { Runs = _ => null };

        sim.RunUntil(Utc(2026, 5, 1, 3, 30));

        Assert.Equal(3, sim.Created.Count);
        Assert.Equal(sim.Created.Select(c => c.Name).Order(StringComparer.Ordinal), sim.Status.Active);
        Assert.Empty(sim.EventsOf(ScheduleEvent.SkippedActive));
        Assert.Null(sim.Status.SkippedSlots);
    }

    [Fact]
    public void Allow_never_lets_more_than_MaxActiveChildren_wait_and_counts_each_slot_beyond_as_skipped()
    {
        // Every second, on a cluster whose backups never finish: without a limit, one more pending backup a second.
        var sim = new ScheduleSim(Spec("* * * * * *", with: s => s.ConcurrencyPolicy = ConcurrencyPolicies.Allow), May1)
        {
            Runs = _ => null,
            MaxActiveChildren = 10,
        };

        sim.RunUntil(May1.AddSeconds(30.5));

        Assert.Equal(10, sim.Created.Count);
        Assert.Equal(10, sim.Status.Active!.Count);
        Assert.Equal(20, sim.Status.SkippedSlots);
        Assert.Equal(20, sim.EventsOf(ScheduleEvent.SkippedActive).Count());
        Assert.All(sim.EventsOf(ScheduleEvent.SkippedActive), e => Assert.Contains("MaxActiveChildren 10", e.Event.Message, StringComparison.Ordinal));
        Assert.True(sim.Status.MissedSlots is null or 0);

        // One finishes: the next slot runs again, and only one.
        sim.Finish(sim.Created[0].Name);
        sim.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(11, sim.Created.Count);
        Assert.Equal(10, sim.Status.Active!.Count);
    }

    [Fact]
    public void The_last_ten_run_now_tokens_are_remembered_so_a_token_committed_again_does_not_run_again()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1) { Runs = _ => TimeSpan.FromMinutes(1) }.RunUntil(Utc(2026, 5, 1, 0, 40));
        for (var i = 1; i <= 10; i++)
        {
            sim.RunNow($"release-{i}").Advance(TimeSpan.FromMinutes(2));
        }

        // A Git revert to each older commit brings back its token: none of them runs again.
        for (var i = 1; i <= 9; i++)
        {
            sim.RunNow($"release-{i}").Advance(TimeSpan.FromMinutes(2));
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"release-{i}"), sim.RunNowChildren.Select(c => c.RunNowToken));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"release-{i}"), sim.Status.RunNowTokens);
        Assert.Equal("release-10", sim.Status.LastRunNowToken);

        // An eleventh token pushes the oldest out of memory.
        sim.RunNow("release-11").Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(Enumerable.Range(2, 10).Select(i => $"release-{i}"), sim.Status.RunNowTokens);
    }

    [Fact]
    public void A_status_written_by_an_operator_that_kept_only_the_last_token_still_refuses_that_token_after_a_newer_one()
    {
        var schedule = Schedule(Spec(Nightly, Hourly), May1, (V1alpha1ClusterBackupSchedule.RunNowAnnotation, "release-2"));
        schedule.Status = new ClusterBackupScheduleStatus { LastScheduleTime = Utc(2026, 5, 1, 0).UtcDateTime, LastRunNowToken = "release-1" };

        var served = ScheduleReconciler.Decide(schedule, [], May1);

        Assert.Equal("release-2", served.Create!.RunNowToken);
        Assert.Equal(["release-1", "release-2"], served.Status.RunNowTokens);
        Assert.Equal("release-2", served.Status.LastRunNowToken);

        schedule.Status = served.Status;
        schedule.Metadata.Annotations[V1alpha1ClusterBackupSchedule.RunNowAnnotation] = "release-1";
        Assert.Null(ScheduleReconciler.Decide(schedule, [], May1.AddMinutes(1)).Create);
    }

    [Fact]
    public void A_long_run_now_token_is_remembered_by_its_digest()
    {
        var token = new string('t', 5000);
        var schedule = Schedule(Spec(Nightly, Hourly), May1, (V1alpha1ClusterBackupSchedule.RunNowAnnotation, token));
        schedule.Status = new ClusterBackupScheduleStatus { LastScheduleTime = Utc(2026, 5, 1, 0).UtcDateTime };

        var status = ScheduleReconciler.Decide(schedule, [], May1).Status;

        Assert.Matches("^sha256:[0-9a-f]{64}$", Assert.Single(status.RunNowTokens!));
        Assert.True(status.HasServed(token));
        Assert.False(status.HasServed(token + "x"));
    }

    [Fact]
    public void A_slots_child_whose_name_another_object_has_is_skipped_counted_and_reported_and_the_schedule_stays_Ready()
    {
        var schedule = Schedule(Spec(Nightly, Hourly), May1);
        schedule.Status = new ClusterBackupScheduleStatus { LastScheduleTime = Utc(2026, 5, 1, 0).UtcDateTime };
        var taken = ChildNames.ForSlot(Name, Utc(2026, 5, 1, 1));

        var d = ScheduleReconciler.Decide(schedule, [], Utc(2026, 5, 1, 1, 0, 1), nameTaken: n => n == taken);

        Assert.Null(d.Create);
        Assert.Equal(1, d.Status.SkippedSlots);
        Assert.Equal(Utc(2026, 5, 1, 1).UtcDateTime, d.Status.LastScheduleTime);
        Assert.True(d.Status.IsReady());
        Assert.Equal(ClusterBackupScheduleStatusTransitions.NameTaken, d.Status.Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!.Reason);
        var e = Assert.Single(d.Events);
        Assert.Equal((true, ScheduleEvent.BackupNotCreated), (e.Warning, e.Reason));
        Assert.Contains(taken, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schedule_with_a_name_longer_than_63_characters_labels_its_children_with_the_shortened_value()
    {
        var schedule = Schedule(Spec(Nightly, Hourly), May1);
        schedule.Metadata.Name = "a-schedule-whose-name-is-longer-than-a-label-value-may-be-seventy";

        var child = new ChildRequest(ChildNames.ForSlot(schedule.Metadata.Name, Utc(2026, 5, 1, 2)), Full, Utc(2026, 5, 1, 2), null).ToResource(schedule);

        Assert.True(schedule.Metadata.Name.Length > 63);
        Assert.Equal(ChildNames.LabelValue(schedule.Metadata.Name), child.Metadata.Labels[V1alpha1ClusterBackupSchedule.ScheduleLabel]);
        Assert.True(child.Metadata.Labels[V1alpha1ClusterBackupSchedule.ScheduleLabel].Length <= 63);
    }

    [Fact]
    public void Run_now_is_not_held_back_by_Forbid()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1) { Runs = _ => null }.RunUntil(Utc(2026, 5, 1, 1, 10));

        sim.RunNow("drill-1").Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, sim.Created.Count);
        Assert.Equal("drill-1", sim.Created[^1].RunNowToken);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Suspend_then_resume_does_not_run_the_slots_that_passed_while_suspended(bool lookedAtWhileSuspended)
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly), May1).RunUntil(Utc(2026, 5, 1, 2, 30));
        sim.Resync = lookedAtWhileSuspended ? TimeSpan.FromMinutes(10) : null;

        sim.Edit(s => s.Suspend = true).RunUntil(Utc(2026, 5, 1, 6, 30));

        Assert.Equal(2, sim.Created.Count);
        Assert.False(sim.Status.IsReady());
        Assert.Equal("Suspended", sim.Status.Condition(ClusterBackupScheduleStatusTransitions.Ready)!.Reason);
        Assert.Equal("True", sim.Status.Condition(ClusterBackupScheduleStatusTransitions.Suspended)!.Status);
        Assert.Null(sim.Status.NextScheduleTime);

        sim.Edit(s => s.Suspend = false).RunUntil(Utc(2026, 5, 1, 8, 30));

        Assert.Equal(["01", "02", "07", "08"], sim.SlotChildren.Select(c => c.Name[^6..^4]));
        Assert.True(sim.Status.MissedSlots is null or 0);
        Assert.Empty(sim.EventsOf(ScheduleEvent.MissedSchedule));
        Assert.True(sim.Status.IsReady());
    }

    [Fact]
    public void A_suspended_schedule_still_serves_run_now()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => s.Suspend = true), May1).RunUntil(Utc(2026, 5, 1, 3, 30));

        sim.RunNow("drill-1").RunUntil(Utc(2026, 5, 1, 5, 30));

        Assert.Equal("drill-1", Assert.Single(sim.Created).RunNowToken);
    }

    [Fact]
    public void An_edited_cron_does_not_run_its_slot_that_passed_before_the_edit()
    {
        var sim = new ScheduleSim(Spec(Hourly), May1).RunUntil(Utc(2026, 5, 1, 10, 20));

        sim.Edit(s => s.Schedule = "15 * * * *").RunUntil(Utc(2026, 5, 1, 12, 30));

        Assert.DoesNotContain(sim.Created, c => c.Name == ChildNames.ForSlot(Name, Utc(2026, 5, 1, 10, 15)));
        Assert.Equal(
            [ChildNames.ForSlot(Name, Utc(2026, 5, 1, 10)), ChildNames.ForSlot(Name, Utc(2026, 5, 1, 11, 15)), ChildNames.ForSlot(Name, Utc(2026, 5, 1, 12, 15))],
            sim.Created.TakeLast(3).Select(c => c.Name));
        Assert.True(sim.Status.MissedSlots is null or 0);
        Assert.Equal("15 * * * *", sim.Status.ObservedSchedule!.Schedule);
    }

    [Fact]
    public void A_time_zone_edit_does_not_run_a_slot_that_passed_in_the_new_zone()
    {
        // 02:00 in Asia/Shanghai is 18:00 UTC the day before: passed when the zone is changed at 01:30 UTC.
        var sim = new ScheduleSim(Spec(Nightly), Utc(2026, 4, 30, 12)).RunUntil(Utc(2026, 5, 1, 1, 30));

        sim.Edit(s => s.TimeZone = "Asia/Shanghai").RunUntil(Utc(2026, 5, 1, 19));

        Assert.Equal([ChildNames.ForSlot(Name, Utc(2026, 5, 1, 18))], sim.Created.Select(c => c.Name));
        Assert.True(sim.Status.MissedSlots is null or 0);
    }

    [Fact]
    public void Immediate_runs_one_FULL_backup_at_creation_then_the_crons()
    {
        var created = Utc(2026, 5, 1, 10, 20);
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => s.Immediate = true), created) { Resync = TimeSpan.FromMinutes(1) };

        sim.RunUntil(Utc(2026, 5, 1, 12, 30));

        var immediate = sim.Created[0];
        Assert.Equal(ChildNames.ForSlot(Name, created), immediate.Name);
        Assert.Equal(Full, immediate.Mode);
        Assert.Equal("2026-05-01T10:20:00Z", immediate.ScheduledAt);
        Assert.Equal(created, immediate.At);
        Assert.Equal([immediate.Name, ChildNames.ForSlot(Name, Utc(2026, 5, 1, 11)), ChildNames.ForSlot(Name, Utc(2026, 5, 1, 12))], sim.Created.Select(c => c.Name));
        Assert.True(sim.Status.MissedSlots is null or 0);
    }

    [Fact]
    public void Immediate_whose_status_write_was_lost_runs_once_even_after_its_child_expired()
    {
        var created = Utc(2026, 5, 1, 10, 20);
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => s.Immediate = true), created)
        {
            Runs = _ => TimeSpan.FromMinutes(5),
            TtlAfterFinished = TimeSpan.FromMinutes(1),
        };
        sim.Pass(PassFault.LoseStatusWrite);

        sim.RunUntil(Utc(2026, 5, 1, 10, 59));

        Assert.Single(sim.Created);
        Assert.Single(sim.ExpiredByTtl);
    }

    [Fact]
    public void Immediate_with_a_slot_passed_before_the_first_look_runs_only_the_newest()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => s.Immediate = true), Utc(2026, 5, 1, 10, 59, 50));

        sim.Down(Utc(2026, 5, 1, 11, 0, 30)).RunUntil(Utc(2026, 5, 1, 11, 30));

        var only = Assert.Single(sim.Created);
        Assert.Equal((ChildNames.ForSlot(Name, Utc(2026, 5, 1, 11)), Incremental), (only.Name, only.Mode));
        Assert.Equal(1, sim.Status.MissedSlots);
        Assert.Single(sim.EventsOf(ScheduleEvent.MissedSchedule));
    }

    [Fact]
    public void Immediate_past_its_starting_deadline_does_not_run()
    {
        var sim = new ScheduleSim(Spec(Nightly, Hourly, with: s => (s.Immediate, s.StartingDeadlineSeconds) = (true, 60)), Utc(2026, 5, 1, 10, 20));

        sim.Down(Utc(2026, 5, 1, 10, 25)).RunUntil(Utc(2026, 5, 1, 10, 50));

        Assert.Empty(sim.Created);
        Assert.Equal(1, sim.Status.MissedSlots);
        Assert.Single(sim.EventsOf(ScheduleEvent.MissedSchedule));
    }

    [Fact]
    public void An_invalid_cron_creates_nothing_tells_once_per_message_and_a_fix_does_not_burst()
    {
        var sim = new ScheduleSim(Spec("0 25 * * *"), May1) { Resync = TimeSpan.FromMinutes(5) }.RunUntil(Utc(2026, 5, 1, 3));
        sim.RunNow("drill-1").RunUntil(Utc(2026, 5, 1, 4));

        Assert.Empty(sim.Created);
        var told = Assert.Single(sim.Events);
        Assert.Equal((true, ScheduleEvent.InvalidSchedule), (told.Event.Warning, told.Reason));
        Assert.Contains("spec.schedule '0 25 * * *'", told.Event.Message, StringComparison.Ordinal);
        var ready = sim.Status.Condition(ClusterBackupScheduleStatusTransitions.Ready)!;
        Assert.Equal(("False", ScheduleError.InvalidCron), (ready.Status, ready.Reason));
        Assert.True(sim.Status.IsInvalid());
        Assert.Null(sim.Status.NextScheduleTime);
        Assert.Equal(1, sim.StatusWrites); // looked at every five minutes, written once

        sim.Edit(s => s.Schedule = "every night").RunUntil(Utc(2026, 5, 1, 5, 20));

        Assert.Empty(sim.Created);
        Assert.Equal(2, sim.EventsOf(ScheduleEvent.InvalidSchedule).Count()); // a new message is told

        // Fixed at 05:20: the slots that passed while it was invalid do not run; the pending run-now request does.
        sim.Edit(s => s.Schedule = Hourly).RunUntil(Utc(2026, 5, 1, 7, 30));

        Assert.Equal(
            [ChildNames.ForRunNow(Name, "drill-1"), ChildNames.ForSlot(Name, Utc(2026, 5, 1, 6)), ChildNames.ForSlot(Name, Utc(2026, 5, 1, 7))],
            sim.Created.Select(c => c.Name));
        Assert.Equal(2, sim.EventsOf(ScheduleEvent.InvalidSchedule).Count());
        Assert.Empty(sim.EventsOf(ScheduleEvent.MissedSchedule));
        Assert.True(sim.Status.IsReady());
        Assert.False(sim.Status.IsInvalid());
    }

    [Fact]
    public void An_unknown_time_zone_is_invalid()
    {
        var sim = new ScheduleSim(Spec(Hourly, zone: "Mars/Olympus_Mons"), May1).RunUntil(Utc(2026, 5, 1, 3));

        Assert.Empty(sim.Created);
        Assert.Equal(ScheduleError.UnknownTimeZone, sim.Status.Condition(ClusterBackupScheduleStatusTransitions.InvalidSchedule)!.Reason);
        Assert.Single(sim.EventsOf(ScheduleEvent.InvalidSchedule));
    }

    [Fact]
    public void The_default_history_keeps_the_three_newest_succeeded_and_failed_children()
    {
        var sim = new ScheduleSim(Spec(Hourly), May1)
        {
            Runs = _ => TimeSpan.FromMinutes(10),
            Fails = c => int.Parse(c.Name[^6..^4], CultureInfo.InvariantCulture) % 2 == 1,
        };

        sim.RunUntil(Utc(2026, 5, 1, 12, 30)); // 01 .. 12: odd hours fail

        Assert.Equal(["07", "09", "11"], Kept(sim, BackupPhase.Failed));
        Assert.Equal(["08", "10", "12"], Kept(sim, BackupPhase.Succeeded));
        Assert.Equal(6, sim.Pruned.Count);

        static IEnumerable<string> Kept(ScheduleSim sim, string phase) =>
            sim.Children.Values.Where(c => c.Status?.Phase == phase).Select(c => c.Metadata.Name[^6..^4]).Order();
    }

    [Fact]
    public void History_limits_of_zero_delete_every_finished_child_and_never_an_active_one()
    {
        var spec = Spec(Hourly, with: s => (s.SuccessfulBackupsHistoryLimit, s.FailedBackupsHistoryLimit, s.ConcurrencyPolicy) = (0, 0, ConcurrencyPolicies.Allow));
        var sim = new ScheduleSim(spec, May1) { Runs = c => c.Name.EndsWith("030000", StringComparison.Ordinal) ? null : TimeSpan.FromMinutes(10) };

        sim.RunUntil(Utc(2026, 5, 1, 6, 30));

        Assert.Equal([ChildNames.ForSlot(Name, Utc(2026, 5, 1, 3))], sim.Children.Keys);
        Assert.Equal(5, sim.Pruned.Count);
    }

    [Fact]
    public void Only_children_the_stored_status_records_are_pruned()
    {
        var schedule = Schedule(Spec(Hourly, with: s => (s.SuccessfulBackupsHistoryLimit, s.FailedBackupsHistoryLimit) = (0, 0)), May1, (V1alpha1ClusterBackupSchedule.RunNowAnnotation, "drill-2"));
        schedule.Status = new ClusterBackupScheduleStatus { LastScheduleTime = Utc(2026, 5, 1, 2).UtcDateTime, LastRunNowToken = "drill-1" };
        var children = new[]
        {
            Child(Utc(2026, 5, 1, 1), BackupPhase.Succeeded),
            Child(Utc(2026, 5, 1, 2), BackupPhase.Failed),
            Child(Utc(2026, 5, 1, 3), BackupPhase.Succeeded), // its status write was lost: lastScheduleTime is 02:00
            Child(Utc(2026, 5, 1, 4), null), // running
            RunNowChild("drill-1", BackupPhase.Succeeded),
            RunNowChild("drill-2", BackupPhase.Succeeded), // the current token, not recorded yet
        };

        var prune = ScheduleReconciler.Prunable(schedule, children);

        Assert.Equal(
            new[] { ChildNames.ForSlot(Name, Utc(2026, 5, 1, 1)), ChildNames.ForSlot(Name, Utc(2026, 5, 1, 2)), ChildNames.ForRunNow(Name, "drill-1") }.Order(),
            prune.Order());
    }

    [Fact]
    public void The_schedule_is_looked_at_again_just_after_its_next_slot_and_at_least_every_five_minutes()
    {
        var schedule = Schedule(Spec(Nightly, Hourly), May1);
        schedule.Status = new ClusterBackupScheduleStatus { LastScheduleTime = Utc(2026, 5, 1, 10).UtcDateTime, ObservedSchedule = ObservedSchedule.Of(schedule.Spec) };

        var close = ScheduleReconciler.Decide(schedule, [], Utc(2026, 5, 1, 10, 59, 58));
        var far = ScheduleReconciler.Decide(schedule, [], Utc(2026, 5, 1, 10, 20));
        var at = ScheduleReconciler.Decide(schedule, [], Utc(2026, 5, 1, 10, 59, 58) + close.RequeueAfter!.Value);

        Assert.Equal(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(5), close.RequeueAfter);
        Assert.Null(close.Create);
        Assert.Equal(ScheduleReconciler.MaxWait, far.RequeueAfter);
        Assert.Equal(new ChildRequest(ChildNames.ForSlot(Name, Utc(2026, 5, 1, 11)), Incremental, Utc(2026, 5, 1, 11), null), at.Create);
        Assert.Equal(Utc(2026, 5, 1, 11).UtcDateTime, close.Status.NextScheduleTime);
        Assert.Equal(Utc(2026, 5, 2, 2).UtcDateTime, close.Status.NextFullScheduleTime);
        Assert.Equal(Utc(2026, 5, 1, 11).UtcDateTime, close.Status.NextIncrementalScheduleTime);
    }

    [Fact]
    public void A_suspended_or_invalid_schedule_is_not_looked_at_on_a_timer()
    {
        Assert.Null(ScheduleReconciler.Decide(Schedule(Spec(Hourly, with: s => s.Suspend = true), May1), [], May1.AddHours(1)).RequeueAfter);
        Assert.Null(ScheduleReconciler.Decide(Schedule(Spec("0 25 * * *"), May1), [], May1.AddHours(1)).RequeueAfter);
    }

    [Fact]
    public void A_child_carries_the_templates_labels_annotations_and_spec_with_the_slots_mode()
    {
        var schedule = Schedule(Spec(Nightly, Hourly), May1);

        var child = new ChildRequest(ChildNames.ForSlot(Name, Utc(2026, 5, 1, 2)), Full, Utc(2026, 5, 1, 2), null).ToResource(schedule);
        var token = new ChildRequest(ChildNames.ForRunNow(Name, "drill-1"), Full, null, "drill-1").ToResource(schedule);

        Assert.Equal((Name + "-20260501020000", ScheduleSim.Namespace), (child.Metadata.Name, child.Metadata.NamespaceProperty));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "db", [V1alpha1ClusterBackupSchedule.ScheduleLabel] = Name }, child.Metadata.Labels);
        Assert.Equal(new Dictionary<string, string> { ["note"] = "from the template", [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = "2026-05-01T02:00:00Z" }, child.Metadata.Annotations);
        Assert.Equal((42L, "PHYSICAL_BACKUP", "main", Full), (child.Spec.ClusterId, child.Spec.BackupMode, child.Spec.OcpConnectionRef!.Name, child.Spec.DataBackupMode));
        Assert.Equal(new Dictionary<string, string> { ["note"] = "from the template", [V1alpha1ClusterBackupSchedule.RunNowAnnotation] = "drill-1" }, token.Metadata.Annotations);
    }

    private static void AssertOneChildPerSlot(ScheduleSim sim, IReadOnlyList<Slot> expected)
    {
        var twice = sim.Created.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => $"{g.Key} at {string.Join(", ", g.Select(c => c.At.ToString("O", CultureInfo.InvariantCulture)))}").ToList();
        Assert.True(twice.Count == 0, "created twice: " + string.Join("; ", twice));
        Assert.Equal(expected.Select(s => ChildNames.ForSlot(Name, s.At)), sim.SlotChildren.Select(c => c.Name));
        foreach (var (slot, child) in expected.Zip(sim.SlotChildren))
        {
            Assert.Equal(slot.DataBackupMode, child.Mode);
            Assert.Equal(ChildNames.ScheduledAt(slot.At), child.ScheduledAt);
            Assert.Null(child.RunNowToken);
            Assert.Equal(Name, child.Child.Metadata.Labels[V1alpha1ClusterBackupSchedule.ScheduleLabel]);
            Assert.Equal("db", child.Child.Metadata.Labels["team"]);
            Assert.Equal(42, child.Child.Spec.ClusterId);
        }
    }

    private static DateTimeOffset Day(string day) => DateTimeOffset.Parse(day + "T00:00:00Z", CultureInfo.InvariantCulture);

    internal static ClusterBackupScheduleSpec Spec(string schedule, string? incremental = null, string? zone = null, Action<ClusterBackupScheduleSpec>? with = null)
    {
        var spec = new ClusterBackupScheduleSpec
        {
            Schedule = schedule,
            IncrementalSchedule = incremental,
            TimeZone = zone,
            BackupTemplate = new BackupTemplate
            {
                Metadata = new BackupTemplateMetadata
                {
                    Labels = new Dictionary<string, string> { ["team"] = "db" },
                    Annotations = new Dictionary<string, string>
                    {
                        ["note"] = "from the template",
                        [V1alpha1ClusterBackupSchedule.RunNowAnnotation] = "never copied",
                        [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = "never copied",
                    },
                },
                Spec = new BackupTemplateSpec { ClusterId = 42, BackupMode = "PHYSICAL_BACKUP", OcpConnectionRef = new OcpConnectionReference { Name = "main" } },
            },
        };
        with?.Invoke(spec);
        return spec;
    }

    internal static V1alpha1ClusterBackupSchedule Schedule(ClusterBackupScheduleSpec spec, DateTimeOffset created, params (string Key, string Value)[] annotations) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = Name,
            NamespaceProperty = ScheduleSim.Namespace,
            Uid = ScheduleSim.Uid,
            Generation = 1,
            ResourceVersion = "1",
            CreationTimestamp = created.UtcDateTime,
            Annotations = annotations.ToDictionary(a => a.Key, a => a.Value),
        },
        Spec = spec,
    };

    private static ScheduleChild Child(DateTimeOffset slot, string? phase) =>
        new(ChildNames.ForSlot(Name, slot), slot.UtcDateTime, slot, null, Incremental, phase, null, phase is null ? null : slot.UtcDateTime.AddMinutes(10));

    private static ScheduleChild RunNowChild(string token, string? phase) =>
        new(ChildNames.ForRunNow(Name, token), May1.UtcDateTime, null, token, Full, phase, null, phase is null ? null : May1.UtcDateTime.AddMinutes(10));
}
