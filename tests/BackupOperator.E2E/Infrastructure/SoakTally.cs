using System.Globalization;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// The soak's running count over its trials. Every defect counter must end at 0, and a run that checked nothing
/// fails too: no trial, no backup, or no schedule slot in the whole run (a trial whose schedule handled no slot
/// counts as trialsWithoutSlots, a defect of its own).
/// </summary>
internal sealed class SoakTally
{
    public int Trials { get; set; }
    public int Backups { get; set; }
    public int Slots { get; set; }

    public int DuplicatePosts { get; set; }
    public int Stuck { get; set; }
    public int PhantomSuccess { get; set; }
    public int MissingBackups { get; set; }
    public int UnconfirmedFailures { get; set; }
    public int WrongOutcomes { get; set; }
    public int Misattributed { get; set; }
    public int Orphans { get; set; }
    public int DoubledSlots { get; set; }
    public int UnaccountedSlots { get; set; }
    public int TrialsWithoutSlots { get; set; }

    public int Scheduled { get; set; }
    public int MissedOrSkipped { get; set; }
    public int Kills { get; set; }
    public int ApiRestarts { get; set; }
    public int Partitions { get; set; }
    public int Faults { get; set; }
    public int ExpectedFailures { get; set; }

    /// <summary>The trials' OCPs, and how many of them drew each hard setting (<see cref="HardOcp"/>).</summary>
    public int HardOcps { get; set; }
    public int HardForeign { get; set; }
    public int HardReordered { get; set; }
    public int HardShuffled { get; set; }
    public int HardNoCounts { get; set; }
    public int HardStatusForms { get; set; }
    public int HardLateTasks { get; set; }
    public int HardFixedDurations { get; set; }

    public List<string> Problems { get; } = [];

    public void Add(OutcomeReport r, string where)
    {
        PhantomSuccess += r.PhantomSuccess;
        UnconfirmedFailures += r.UnconfirmedFailures;
        MissingBackups += r.MissingBackups;
        DuplicatePosts += r.Duplicates;
        WrongOutcomes += r.WrongOutcomes;
        Problems.AddRange(r.Problems.Select(p => $"{where}: {p}"));
    }

    public void Add(AttributionReport r, string where)
    {
        Misattributed += r.Misattributed;
        Orphans += r.Orphans;
        Problems.AddRange(r.Problems.Select(p => $"{where}: {p}"));
    }

    /// <summary>One OCP's hard settings, counted per setting it turned on (a status form other than upper case counts).</summary>
    public void Add(OcpSimulator.SimSettings hard)
    {
        HardOcps++;
        HardForeign += hard.ForeignTasks == true ? 1 : 0;
        HardReordered += hard.TaskIdBlock > 1 ? 1 : 0;
        HardShuffled += hard.ShufflePages == true ? 1 : 0;
        HardNoCounts += hard.OmitPageCounts == true ? 1 : 0;
        HardStatusForms += hard.StatusForm is { } form && form != "upper" ? 1 : 0;
        HardLateTasks += hard.DelayOutlivesDisconnect == true ? 1 : 0;
        HardFixedDurations += hard.FixDurationAtCreation == true ? 1 : 0;
    }

    /// <summary>One trial's schedule, counted slot by slot; a trial with no slot at all is a defect.</summary>
    public void Add(SlotTally slots, int children, string schedule)
    {
        Slots += slots.Slots;
        DoubledSlots += slots.Doubled;
        UnaccountedSlots += slots.Unaccounted;
        Scheduled += children;
        Problems.AddRange(slots.Problems);
        if (slots.Slots == 0)
        {
            TrialsWithoutSlots++;
            Problems.Add($"{schedule}: no slot handled (no lastScheduleTime after the trial)");
        }
    }

    public string Line(int seed) => string.Create(CultureInfo.InvariantCulture,
        $"soak: seed {seed} trials {Trials} backups {Backups} slots {Slots} duplicatePosts {DuplicatePosts} stuck {Stuck} phantomSuccess {PhantomSuccess} "
        + $"missingBackups {MissingBackups} unconfirmedFailures {UnconfirmedFailures} wrongOutcomes {WrongOutcomes} misattributed {Misattributed} "
        + $"orphans {Orphans} doubledSlots {DoubledSlots} unaccountedSlots {UnaccountedSlots} trialsWithoutSlots {TrialsWithoutSlots} "
        + $"(scheduled backups {Scheduled}, missed or skipped {MissedOrSkipped}; taskFail faults {ExpectedFailures}; operator kills {Kills}, "
        + $"API server restarts {ApiRestarts}, partitions {Partitions}, faults {Faults}; attribution by request id; "
        + $"hard settings of {HardOcps} OCPs: foreign {HardForeign}, reordered {HardReordered}, shuffled {HardShuffled}, noCounts {HardNoCounts}, "
        + $"statusForms {HardStatusForms}, lateTasks {HardLateTasks}, fixedDurations {HardFixedDurations})");

    /// <summary>Why the run fails, or null when it passes.</summary>
    public string? Failure()
    {
        var why = new List<string>();
        if (Trials <= 0)
        {
            why.Add("no trial ran");
        }

        if (Backups <= 0)
        {
            why.Add("no backup was checked");
        }

        if (Slots <= 0)
        {
            why.Add("no schedule slot was checked");
        }

        (string Name, int Count)[] defects =
        [
            ("duplicatePosts", DuplicatePosts), ("stuck", Stuck), ("phantomSuccess", PhantomSuccess), ("missingBackups", MissingBackups),
            ("unconfirmedFailures", UnconfirmedFailures), ("wrongOutcomes", WrongOutcomes), ("misattributed", Misattributed), ("orphans", Orphans),
            ("doubledSlots", DoubledSlots), ("unaccountedSlots", UnaccountedSlots), ("trialsWithoutSlots", TrialsWithoutSlots),
        ];
        why.AddRange(defects.Where(d => d.Count != 0).Select(d => $"{d.Name} {d.Count}"));
        return why.Count == 0 && Problems.Count == 0 ? null
            : why.Count == 0 ? $"problems recorded: {Problems[0]}"
            : string.Join(", ", why);
    }

    /// <summary>SOAK_TRIALS as given: a positive whole number, or the default when unset; anything else is refused.</summary>
    public static int ParseTrials(string? value, int fallback) =>
        value is null || value.Length == 0 ? fallback
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new ArgumentException($"SOAK_TRIALS must be a positive whole number, not '{value}': a soak of no trials checks nothing");
}
