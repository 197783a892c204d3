using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>The soak's slot count on hand-made schedules: slot by slot, so errors in opposite directions never cancel.</summary>
public sealed class SlotTallyTests
{
    // Created at 12:00:01: with '*/3', the slots are 12:00:03, :06, :09, :12.
    private static readonly DateTime Created = new(2026, 12, 1, 12, 0, 1, DateTimeKind.Utc);
    private static readonly DateTimeOffset First = new(2026, 12, 1, 12, 0, 3, TimeSpan.Zero);

    [Fact]
    public void One_child_per_slot_is_clean()
    {
        var tally = Count(Frozen(last: 3), Children(0, 1, 2, 3));

        Assert.True(tally.Clean, string.Join('\n', tally.Problems));
        Assert.Equal((4, 0, 0), (tally.Slots, tally.Doubled, tally.Unaccounted));
    }

    [Fact]
    public void An_empty_slot_counted_as_missed_or_skipped_is_clean()
    {
        Assert.True(Count(Frozen(last: 3, missed: 1), Children(0, 2, 3)).Clean);
        Assert.True(Count(Frozen(last: 3, skipped: 2), Children(0, 3)).Clean);
    }

    [Fact]
    public void An_empty_slot_nobody_counted_is_unaccounted()
    {
        var tally = Count(Frozen(last: 3), Children(0, 2, 3));

        Assert.Equal(1, tally.Unaccounted);
    }

    [Fact]
    public void A_slot_counted_as_skipped_that_has_its_child_is_unaccounted()
    {
        Assert.Equal(1, Count(Frozen(last: 3, skipped: 1), Children(0, 1, 2, 3)).Unaccounted);
    }

    [Fact]
    public void A_doubled_slot_does_not_make_up_for_an_empty_one()
    {
        var tally = Count(Frozen(last: 3), Children(0, 0, 2, 3));

        Assert.Equal((1, 1), (tally.Doubled, tally.Unaccounted));
        Assert.False(tally.Clean);
    }

    [Fact]
    public void A_child_off_the_period_does_not_fill_an_empty_slot()
    {
        var offGrid = Child("odd", First.AddSeconds(4));
        var tally = Count(Frozen(last: 3), [.. Children(0, 2, 3), offGrid]);

        Assert.Equal(2, tally.Unaccounted); // the empty slot, and the stray child
    }

    [Fact]
    public void A_child_before_the_first_slot_is_unaccounted()
    {
        Assert.Equal(1, Count(Frozen(last: 1), [.. Children(-1, 0, 1)]).Unaccounted);
    }

    [Fact]
    public void One_child_beyond_the_frozen_last_slot_is_the_one_whose_status_write_was_cut_off()
    {
        Assert.True(Count(Frozen(last: 2), Children(0, 1, 2, 3)).Clean);
    }

    [Fact]
    public void Two_children_beyond_the_frozen_last_slot_are_one_too_many()
    {
        Assert.Equal(1, Count(Frozen(last: 1), Children(0, 1, 2, 3)).Unaccounted);
    }

    [Fact]
    public void Without_lastScheduleTime_there_are_no_slots_and_every_child_is_stray()
    {
        var tally = Count(Frozen(last: null), Children(0, 1, 2));

        Assert.Equal((0, 3), (tally.Slots, tally.Unaccounted));
        Assert.False(tally.Clean);
    }

    [Fact]
    public void No_slots_is_never_clean()
    {
        Assert.False(Count(Frozen(last: null), []).Clean);
    }

    [Fact]
    public void A_run_now_child_has_no_slot()
    {
        var runNow = Backups.Nfs("cbs-run-now", 7);
        Assert.True(Count(Frozen(last: 1), [.. Children(0, 1), runNow]).Clean);
    }

    private static SlotTally Count(V1alpha1ClusterBackupSchedule frozen, IReadOnlyList<V1alpha1ClusterBackupNow> children) =>
        SlotTally.Count(frozen, children, period: 3);

    /// <summary>A frozen status whose lastScheduleTime is slot number <paramref name="last"/> (0 is the first).</summary>
    private static V1alpha1ClusterBackupSchedule Frozen(int? last, long missed = 0, long skipped = 0)
    {
        var schedule = ScheduleOps.Nfs("cbs", 7, "*/3 * * * * *");
        schedule.Metadata.CreationTimestamp = Created;
        schedule.Status = new ClusterBackupScheduleStatus
        {
            LastScheduleTime = last is { } n ? First.AddSeconds(3 * n).UtcDateTime : null,
            MissedSlots = missed,
            SkippedSlots = skipped,
        };
        return schedule;
    }

    private static List<V1alpha1ClusterBackupNow> Children(params int[] slots) =>
        slots.Select((n, i) => Child($"cbs-{i}", First.AddSeconds(3 * n))).ToList();

    private static V1alpha1ClusterBackupNow Child(string name, DateTimeOffset slot)
    {
        var child = Backups.Nfs(name, 7);
        child.Metadata.Annotations = new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = ChildNames.ScheduledAt(slot) };
        return child;
    }
}
