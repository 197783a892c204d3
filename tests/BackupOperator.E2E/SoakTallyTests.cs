using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.E2E;

/// <summary>The soak's verdict: it fails on any defect, and on a run that checked nothing.</summary>
public sealed class SoakTallyTests
{
    [Fact]
    public void A_run_that_checked_trials_backups_and_slots_without_a_defect_passes()
    {
        Assert.Null(Checked().Failure());
    }

    [Theory]
    [InlineData(nameof(SoakTally.Trials), "no trial ran")]
    [InlineData(nameof(SoakTally.Backups), "no backup was checked")]
    [InlineData(nameof(SoakTally.Slots), "no schedule slot was checked")]
    public void A_run_that_checked_no_trial_backup_or_slot_fails(string what, string message)
    {
        var tally = Checked();
        typeof(SoakTally).GetProperty(what)!.SetValue(tally, 0);

        Assert.Contains(message, tally.Failure(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_tally_fails()
    {
        Assert.NotNull(new SoakTally().Failure());
    }

    [Theory]
    [InlineData(nameof(SoakTally.DuplicatePosts))]
    [InlineData(nameof(SoakTally.Stuck))]
    [InlineData(nameof(SoakTally.PhantomSuccess))]
    [InlineData(nameof(SoakTally.MissingBackups))]
    [InlineData(nameof(SoakTally.UnconfirmedFailures))]
    [InlineData(nameof(SoakTally.WrongOutcomes))]
    [InlineData(nameof(SoakTally.Misattributed))]
    [InlineData(nameof(SoakTally.Orphans))]
    [InlineData(nameof(SoakTally.DoubledSlots))]
    [InlineData(nameof(SoakTally.UnaccountedSlots))]
    [InlineData(nameof(SoakTally.TrialsWithoutSlots))]
    public void Any_defect_fails_the_run_and_is_named(string counter)
    {
        var tally = Checked();
        typeof(SoakTally).GetProperty(counter)!.SetValue(tally, 1);

        var failure = tally.Failure();

        Assert.NotNull(failure);
        Assert.Contains(char.ToLowerInvariant(counter[0]) + counter[1..] + " 1", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_without_a_counter_still_fails_the_run()
    {
        var tally = Checked();
        tally.Add(new AttributionReport(0, 0, false, ["no backupNow POST carried an X-Request-Id"]), "OCP 0");

        Assert.Contains("X-Request-Id", tally.Failure(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_schedule_with_no_slot_is_a_trial_without_slots()
    {
        var tally = Checked();
        tally.Add(new SlotTally(0, 0, 0, DateTimeOffset.MinValue, []), 0, "cbs");

        Assert.Equal(1, tally.TrialsWithoutSlots);
        Assert.Contains("trialsWithoutSlots 1", tally.Failure(), StringComparison.Ordinal);
    }

    [Fact]
    public void Slot_tallies_add_up()
    {
        var tally = new SoakTally();
        tally.Add(new SlotTally(5, 1, 2, DateTimeOffset.UnixEpoch, ["x"]), 6, "cbs-1");
        tally.Add(new SlotTally(4, 0, 0, DateTimeOffset.UnixEpoch, []), 4, "cbs-2");

        Assert.Equal((9, 1, 2, 10, 0), (tally.Slots, tally.DoubledSlots, tally.UnaccountedSlots, tally.Scheduled, tally.TrialsWithoutSlots));
    }

    [Fact]
    public void Outcome_and_attribution_reports_add_up_with_where_they_came_from()
    {
        var tally = new SoakTally();
        tally.Add(new OutcomeReport(1, 2, 3, 4, 5, ["p"]), "OCP 1");
        tally.Add(new OutcomeReport(1, 0, 0, 0, 0, []), "OCP 0");
        tally.Add(new AttributionReport(6, 7, true, ["q"]), "OCP 1");

        Assert.Equal((2, 2, 3, 4, 5, 6, 7),
            (tally.PhantomSuccess, tally.UnconfirmedFailures, tally.MissingBackups, tally.DuplicatePosts, tally.WrongOutcomes, tally.Misattributed, tally.Orphans));
        Assert.Equal(["OCP 1: p", "OCP 1: q"], tally.Problems);
    }

    [Fact]
    public void The_line_names_every_counter_in_order()
    {
        var line = Checked().Line(77);

        Assert.StartsWith("soak: seed 77 trials 1 backups 2 slots 3 duplicatePosts 0 stuck 0 phantomSuccess 0 missingBackups 0 unconfirmedFailures 0 "
            + "wrongOutcomes 0 misattributed 0 orphans 0 doubledSlots 0 unaccountedSlots 0 trialsWithoutSlots 0 (", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData("", 3)]
    [InlineData("1", 1)]
    [InlineData("200", 200)]
    public void Soak_trials_is_a_positive_whole_number_or_the_default(string? value, int expected)
    {
        Assert.Equal(expected, SoakTally.ParseTrials(value, fallback: 3));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("2.5")]
    [InlineData(" 3")]
    [InlineData("99999999999")]
    public void Soak_trials_of_zero_negative_or_not_a_number_is_refused(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => SoakTally.ParseTrials(value, fallback: 3));
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hard_settings_replay_from_seed_and_trial_and_keep_reordered_ids_inside_the_operators_window()
    {
        var drawn = Enumerable.Range(0, 200).Select(trial => HardOcp.Draw(HardOcp.For(77, trial))).ToList();

        Assert.Equal(drawn, Enumerable.Range(0, 200).Select(trial => HardOcp.Draw(HardOcp.For(77, trial))));
        Assert.All(drawn, s => Assert.InRange(s.TaskIdBlock ?? 0, 0, 99)); // Backup:TaskIdReorderWindow defaults to 100
        Assert.Contains(drawn, s => s.TaskIdBlock > 1);
        Assert.Contains(drawn, s => s.ForeignTasks == true);
        Assert.Contains(drawn, s => s.ForeignTasks == false);
        Assert.Equal(["lower", "title", "upper", "varying"], drawn.Select(s => s.StatusForm).Distinct().Order());
    }

    [Fact]
    public void The_tally_line_counts_each_hard_setting_drawn()
    {
        var tally = Checked();
        tally.Add(new OcpSimulator.SimSettings(ForeignTasks: true, TaskIdBlock: 40, StatusForm: "integer", FixDurationAtCreation: true));
        tally.Add(new OcpSimulator.SimSettings(ForeignTasks: false, TaskIdBlock: 0, ShufflePages: true, OmitPageCounts: true, StatusForm: "upper", DelayOutlivesDisconnect: true));

        Assert.Contains("hard settings of 2 OCPs: foreign 1, reordered 1, shuffled 1, noCounts 1, statusForms 1, lateTasks 1, fixedDurations 1",
            tally.Line(77), StringComparison.Ordinal);
    }

    private static SoakTally Checked() => new() { Trials = 1, Backups = 2, Slots = 3 };
}
