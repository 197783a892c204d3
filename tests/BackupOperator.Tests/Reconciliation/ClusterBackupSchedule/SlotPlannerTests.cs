using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using static BackupOperator.Tests.Reconciliation.ClusterBackupSchedule.Schedules;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupSchedule;

/// <summary>(schedule, newest handled slot, now, deadline) → the slot due, the ones missed, the next ones.</summary>
public sealed class SlotPlannerTests
{
    private const string Full = OcpValues.FullBackup;
    private const string Incremental = OcpValues.IncrementalBackup;

    // FULL at 02:00, INCREMENTAL every hour: at 02:00 both fire.
    private static readonly CronSchedule Nightly = Parse("0 2 * * *", "0 * * * *");

    [Fact]
    public void Before_the_first_slot_nothing_is_due_and_the_next_times_are_known()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 0, 30), now: Utc(2026, 5, 1, 0, 40), null);

        Assert.Null(p.Due);
        Assert.Null(p.Newest);
        Assert.Equal(0, p.Missed);
        Assert.Equal(new Slot(Utc(2026, 5, 1, 1), Incremental), p.Next);
        Assert.Equal(Utc(2026, 5, 1, 2), p.NextFull);
        Assert.Equal(Utc(2026, 5, 1, 1), p.NextIncremental);
    }

    [Fact]
    public void A_slot_is_due_at_its_instant_and_after_it_until_handled()
    {
        var since = Utc(2026, 5, 1, 0);

        var atSlot = SlotPlanner.Plan(Nightly, since, Utc(2026, 5, 1, 1), null);
        var later = SlotPlanner.Plan(Nightly, since, Utc(2026, 5, 1, 1, 0, 40), null);

        Assert.Equal(new Slot(Utc(2026, 5, 1, 1), Incremental), atSlot.Due);
        Assert.Equal(atSlot.Due, later.Due);
        Assert.Equal(0, later.Missed);
    }

    [Fact]
    public void A_handled_slot_is_never_due_again()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 1), now: Utc(2026, 5, 1, 1, 0, 30), null);

        Assert.Null(p.Due);
        Assert.Equal(new Slot(Utc(2026, 5, 1, 2), Full), p.Next);
    }

    [Fact]
    public void FULL_wins_over_INCREMENTAL_on_the_same_slot()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 1), now: Utc(2026, 5, 1, 2, 0, 1), null);

        Assert.Equal(new Slot(Utc(2026, 5, 1, 2), Full), p.Due);
        Assert.True(p.Due!.Value.IsFull);
        Assert.Equal(0, p.Missed);
    }

    [Fact]
    public void The_next_incremental_time_skips_slots_that_run_as_FULL()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 1), now: Utc(2026, 5, 1, 1, 30), null);

        Assert.Equal(new Slot(Utc(2026, 5, 1, 2), Full), p.Next);
        Assert.Equal(Utc(2026, 5, 1, 2), p.NextFull);
        Assert.Equal(Utc(2026, 5, 1, 3), p.NextIncremental);
    }

    [Fact]
    public void An_incremental_schedule_that_only_coincides_with_full_has_no_next_incremental_time()
    {
        var s = Parse("0 2 * * *", "0 2 * * *");

        var p = SlotPlanner.Plan(s, Utc(2026, 5, 1, 0), Utc(2026, 5, 1, 3), null);

        Assert.Equal(new Slot(Utc(2026, 5, 1, 2), Full), p.Due);
        Assert.Null(p.NextIncremental);
        Assert.Equal(Utc(2026, 5, 2, 2), p.NextFull);
    }

    [Fact]
    public void After_downtime_only_the_newest_missed_slot_is_due_and_the_others_are_counted()
    {
        // Down from 00:30 to 05:10: slots 01 (I), 02 (F), 03 (I), 04 (I), 05 (I) passed.
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 0, 30), now: Utc(2026, 5, 1, 5, 10), null);

        Assert.Equal(new Slot(Utc(2026, 5, 1, 5), Incremental), p.Due);
        Assert.Equal(p.Due, p.Newest);
        Assert.Equal(4, p.Missed);
        Assert.False(p.MissedCountIsLowerBound);
        Assert.False(p.DeadlinePassed);
        Assert.Equal(new Slot(Utc(2026, 5, 1, 6), Incremental), p.Next);
    }

    [Fact]
    public void A_slot_both_crons_fire_is_counted_once_when_missed()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 1), now: Utc(2026, 5, 1, 3, 0, 5), null);

        Assert.Equal(new Slot(Utc(2026, 5, 1, 3), Incremental), p.Due);
        Assert.Equal(1, p.Missed); // 02:00, one slot though both crons fire
    }

    [Fact]
    public void Without_a_starting_deadline_the_newest_slot_runs_however_late()
    {
        var p = SlotPlanner.Plan(Parse("0 2 * * *"), since: Utc(2026, 5, 1, 2), now: Utc(2026, 5, 30, 1), null);

        Assert.Equal(new Slot(Utc(2026, 5, 29, 2), Full), p.Due);
        Assert.Equal(27, p.Missed); // 2 May .. 28 May
    }

    [Theory]
    [InlineData(600, 599, true)]
    [InlineData(600, 600, true)]
    [InlineData(600, 601, false)]
    [InlineData(0, 0, true)]
    [InlineData(0, 1, false)]
    public void The_newest_slot_runs_only_within_startingDeadlineSeconds(long deadline, int lateBySeconds, bool runs)
    {
        var slot = Utc(2026, 5, 1, 3);

        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 0, 30), now: slot.AddSeconds(lateBySeconds), deadline);

        Assert.Equal(new Slot(slot, Incremental), p.Newest);
        Assert.Equal(runs ? p.Newest : null, p.Due);
        Assert.Equal(!runs, p.DeadlinePassed);
        Assert.Equal(runs ? 2 : 3, p.Missed); // 01:00 and 02:00, and 03:00 when too late
    }

    [Fact]
    public void Missed_slots_are_counted_up_to_a_bound_and_then_marked_as_a_lower_bound()
    {
        // Every second for a week: 604,800 slots; counting stops at the bound.
        var p = SlotPlanner.Plan(Parse("* * * * * *"), since: Utc(2026, 5, 1, 0), now: Utc(2026, 5, 8, 0), 60);

        Assert.Equal(new Slot(Utc(2026, 5, 8, 0), Full), p.Due);
        Assert.Equal(SlotPlanner.MaxCountedMissedSlots, p.Missed);
        Assert.True(p.MissedCountIsLowerBound);
    }

    [Fact]
    public void A_clock_behind_the_newest_handled_slot_plans_nothing_and_the_next_slot_is_after_it()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 4), now: Utc(2026, 5, 1, 2, 30), null);

        Assert.Null(p.Due);
        Assert.Equal(0, p.Missed);
        Assert.Equal(new Slot(Utc(2026, 5, 1, 5), Incremental), p.Next);
    }

    [Fact]
    public void Since_is_the_last_schedule_time_else_the_creation_time()
    {
        var created = new DateTime(2026, 5, 1, 0, 0, 7, DateTimeKind.Utc);
        var schedule = new V1alpha1ClusterBackupSchedule { Metadata = new V1ObjectMeta { CreationTimestamp = created } };

        Assert.Equal(new DateTimeOffset(created), SlotPlanner.Since(schedule));

        schedule.Status = new ClusterBackupScheduleStatus { LastScheduleTime = new DateTime(2026, 5, 1, 3, 0, 0, DateTimeKind.Utc) };
        Assert.Equal(Utc(2026, 5, 1, 3), SlotPlanner.Since(schedule));
    }

    [Fact]
    public void A_slot_at_the_creation_instant_is_not_due_no_backup_on_creation_unless_immediate()
    {
        var p = SlotPlanner.Plan(Nightly, since: Utc(2026, 5, 1, 2), now: Utc(2026, 5, 1, 2, 0, 1), null);

        Assert.Null(p.Due);
    }

    /// <summary>
    /// A controller that wakes at odd moments and at every next time, writes lastScheduleTime =
    /// Newest after each pass: over a week every slot is due exactly once, with its mode.
    /// </summary>
    [Fact]
    public void Driven_by_a_clock_every_slot_of_a_week_is_due_exactly_once()
    {
        var clock = new FakeTimeProvider(Utc(2026, 5, 1, 0, 0, 3));
        var since = clock.GetUtcNow();
        var due = new List<Slot>();
        var step = 0;
        while (clock.GetUtcNow() < Utc(2026, 5, 8, 0, 30))
        {
            var p = SlotPlanner.Plan(Nightly, since, clock.GetUtcNow(), startingDeadlineSeconds: 300);
            if (p.Due is { } slot)
            {
                due.Add(slot);
            }

            Assert.Equal(0, p.Missed);
            since = p.Newest?.At ?? since;
            // Wake at the next slot plus a little, or earlier at an odd moment.
            var untilNext = p.Next!.Value.At - clock.GetUtcNow();
            clock.Advance(step++ % 3 == 0 ? untilNext / 2 : untilNext + TimeSpan.FromSeconds(step % 7));
        }

        Assert.Equal(7 * 24, due.Count);
        Assert.Equal(due.Count, due.Select(s => s.At).Distinct().Count());
        Assert.Equal(7, due.Count(s => s.IsFull));
        Assert.All(due.Where(s => s.IsFull), s => Assert.Equal(2, s.At.Hour));
        Assert.Equal(due.Count, due.Select(s => ChildNames.ForSlot("nightly", s.At)).Distinct().Count());
    }
}
