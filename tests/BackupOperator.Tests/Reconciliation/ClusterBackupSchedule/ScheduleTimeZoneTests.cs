using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using static BackupOperator.Tests.Reconciliation.ClusterBackupSchedule.Schedules;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupSchedule;

/// <summary>
/// Crons are read in spec.timeZone, and daylight saving is Cronos's, pinned here so a library
/// upgrade that changes it fails a test. Europe/Berlin 2026: spring forward on 29 March at 02:00
/// CET (01:00 UTC) to 03:00 CEST; fall back on 25 October at 03:00 CEST (01:00 UTC) to 02:00 CET,
/// so 02:00–02:59 happens twice (00:xx UTC, then 01:xx UTC).
/// </summary>
public sealed class ScheduleTimeZoneTests
{
    private const string Berlin = "Europe/Berlin";

    [Fact]
    public void A_local_time_in_Asia_Shanghai_is_eight_hours_before_UTC_all_year()
    {
        var s = Parse("0 2 * * *", zone: "Asia/Shanghai");

        Assert.Equal(Utc(2026, 1, 14, 18), s.Full.GetNextOccurrence(Utc(2026, 1, 14, 12), s.Zone));
        Assert.Equal(Utc(2026, 7, 14, 18), s.Full.GetNextOccurrence(Utc(2026, 7, 14, 12), s.Zone));
    }

    [Fact]
    public void A_local_time_in_Europe_Berlin_follows_summer_time()
    {
        var s = Parse("0 2 * * *", zone: Berlin);

        Assert.Equal(Utc(2026, 1, 15, 1), s.Full.GetNextOccurrence(Utc(2026, 1, 14, 12), s.Zone)); // CET, +1
        Assert.Equal(Utc(2026, 7, 15, 0), s.Full.GetNextOccurrence(Utc(2026, 7, 14, 12), s.Zone)); // CEST, +2
    }

    [Fact]
    public void Spring_forward_a_slot_in_the_skipped_hour_runs_once_at_the_end_of_the_gap()
    {
        var s = Parse("30 2 * * *", zone: Berlin);

        // 02:30 does not exist on 29 March: it runs at 03:00 CEST = 01:00 UTC, then on 30 March at 02:30 CEST.
        Assert.Equal(
            [Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1), Utc(2026, 3, 30, 0, 30)],
            s.Full.GetOccurrences(Utc(2026, 3, 28, 0), Utc(2026, 3, 31, 0), s.Zone).ToArray());
    }

    [Fact]
    public void Spring_forward_the_planner_finds_the_shifted_slot_and_runs_it_once()
    {
        var s = Parse("30 2 * * *", zone: Berlin);
        var since = Utc(2026, 3, 28, 1, 30);

        var before = SlotPlanner.Plan(s, since, Utc(2026, 3, 29, 0, 59), null);
        var at = SlotPlanner.Plan(s, since, Utc(2026, 3, 29, 1, 0, 10), null);
        var after = SlotPlanner.Plan(s, at.Newest!.Value.At, Utc(2026, 3, 29, 1, 45), null);

        Assert.Null(before.Due);
        Assert.Equal(Utc(2026, 3, 29, 1), before.NextFull);
        Assert.Equal(new Slot(Utc(2026, 3, 29, 1), OcpValues.FullBackup), at.Due);
        Assert.Equal(0, at.Missed);
        Assert.Null(after.Due);
        Assert.Equal(Utc(2026, 3, 30, 0, 30), after.NextFull);
    }

    [Fact]
    public void Fall_back_a_slot_at_a_named_hour_in_the_repeated_hour_runs_once_at_its_first_pass()
    {
        var s = Parse("30 2 * * *", zone: Berlin);

        // 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET) on 25 October: one slot, the first.
        Assert.Equal(
            [Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 26, 1, 30)],
            s.Full.GetOccurrences(Utc(2026, 10, 24, 0), Utc(2026, 10, 27, 0), s.Zone).ToArray());

        var handled = SlotPlanner.Plan(s, Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30, 5), null);
        var secondPass = SlotPlanner.Plan(s, handled.Newest!.Value.At, Utc(2026, 10, 25, 1, 45), null);
        Assert.Equal(Utc(2026, 10, 25, 0, 30), handled.Due?.At);
        Assert.Null(secondPass.Due);
        Assert.Equal(Utc(2026, 10, 26, 1, 30), secondPass.NextFull);
    }

    [Fact]
    public void Fall_back_a_cron_with_a_step_in_the_hour_field_runs_in_both_passes_as_the_clock_does()
    {
        var s = Parse("0 */1 * * *", zone: Berlin);

        // Local 01:00, 02:00 (CEST), 02:00 (CET), 03:00: one per real hour, none lost, none doubled.
        Assert.Equal(
            [Utc(2026, 10, 24, 23), Utc(2026, 10, 25, 0), Utc(2026, 10, 25, 1), Utc(2026, 10, 25, 2)],
            s.Full.GetOccurrences(Utc(2026, 10, 24, 22, 30), Utc(2026, 10, 25, 2, 30), s.Zone).ToArray());
    }

    [Fact]
    public void Fall_back_a_cron_with_a_range_in_the_hour_field_also_runs_in_both_passes()
    {
        var s = Parse("30 1-3 * * *", zone: Berlin);

        // 01:30 CEST, 02:30 CEST, 02:30 CET, 03:30 CET: Cronos treats a range like a step.
        Assert.Equal(
            [Utc(2026, 10, 24, 23, 30), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30), Utc(2026, 10, 25, 2, 30)],
            s.Full.GetOccurrences(Utc(2026, 10, 24, 22), Utc(2026, 10, 25, 3), s.Zone).ToArray());
    }

    [Fact]
    public void Cronos_searching_backwards_disagrees_in_the_gap_which_is_why_the_planner_only_searches_forwards()
    {
        var s = Parse("30 2 * * *", zone: Berlin);

        // Backwards: 01:59:59 CET, one second before the gap; forwards: 03:00 CEST, its end.
        Assert.Equal(Utc(2026, 3, 29, 0, 59, 59), s.Full.GetPreviousOccurrence(Utc(2026, 3, 29, 1, 30), s.Zone, inclusive: true));
        Assert.Equal(Utc(2026, 3, 29, 1), s.Full.GetNextOccurrence(Utc(2026, 3, 29, 0, 59, 59), s.Zone));
        Assert.Equal(Utc(2026, 3, 29, 1), SlotPlanner.Plan(s, Utc(2026, 3, 28, 12), Utc(2026, 3, 29, 1, 30), null).Due?.At);
    }

    [Fact]
    public void Across_a_daylight_saving_change_a_week_of_hourly_incrementals_is_one_slot_per_real_hour()
    {
        var s = Parse("0 2 * * *", "0 * * * *", zone: Berlin);
        var since = Utc(2026, 10, 22, 0);
        var names = new HashSet<string>();
        var now = since;
        var due = 0;
        while (now < Utc(2026, 10, 29, 0))
        {
            now = now.AddMinutes(13);
            var p = SlotPlanner.Plan(s, since, now, 3600);
            if (p.Due is { } slot)
            {
                due++;
                Assert.True(names.Add(ChildNames.ForSlot("nightly", slot.At)));
                Assert.Equal(0, p.Missed);
            }

            since = p.Newest?.At ?? since;
        }

        Assert.Equal(7 * 24, due); // 168 real hours; the local day of 25 October has 25 of them
    }
}
