using System.Globalization;
using BackupOperator.OcpSimulator;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// The soak's draw of the simulator's "hard OCP" settings (<see cref="SimSettings"/>), one per OCP of a trial,
/// from a Random of its own (<see cref="For"/>), so adding these draws leaves every other draw of a seed as it was.
/// </summary>
internal static class HardOcp
{
    /// <summary>Below the operator's Backup:TaskIdReorderWindow default (100): ids go backwards by less than it adopts.</summary>
    public const int MaxIdBlock = 50;

    /// <summary>
    /// The word forms only: an integer status is one the operator by design cannot read (OCP's docs give no table), so its
    /// backups stay Running and say so (HardOcpTests.A_status_in_a_form_the_operator_cannot_read_...); in the soak every one would be stuck.
    /// </summary>
    private static readonly string[] StatusForms = ["upper", "lower", "title", "varying"];

    /// <summary>The trial's own Random for these settings: deterministic across processes, apart from the trial's other draws.</summary>
    public static Random For(int seed, int trial) => new(unchecked((seed * 104_729) + (trial * 7) + 1));

    /// <summary>Each setting on or off at random; an id block of 2 to <see cref="MaxIdBlock"/>, shuffled or highest first.</summary>
    public static SimSettings Draw(Random rng)
    {
        var block = rng.Next(2) == 0 ? 0 : rng.Next(2, MaxIdBlock + 1);
        return new SimSettings(
            ForeignTasks: rng.Next(2) == 0,
            TaskIdBlock: block,
            TaskIdSeed: block == 0 ? null : rng.Next(0, 1000),
            ShufflePages: rng.Next(2) == 0,
            OmitPageCounts: rng.Next(2) == 0,
            StatusForm: StatusForms[rng.Next(StatusForms.Length)],
            DelayOutlivesDisconnect: rng.Next(2) == 0,
            FixDurationAtCreation: rng.Next(2) == 0);
    }

    /// <summary>A new task duration for an OCP that fixes durations at creation, so its tasks run for different times.</summary>
    public static int Duration(Random rng) => rng.Next(500, 3000);

    /// <summary>The settings as one line for the test output, so a failing trial can be read and replayed.</summary>
    public static string Describe(SimSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"foreignTasks {On(s.ForeignTasks)}, idBlock {s.TaskIdBlock ?? 0}{(s.TaskIdSeed is { } seed ? $" (seed {seed})" : "")}, shufflePages {On(s.ShufflePages)}, "
        + $"omitPageCounts {On(s.OmitPageCounts)}, statusForm {s.StatusForm ?? "upper"}, delayOutlivesDisconnect {On(s.DelayOutlivesDisconnect)}, "
        + $"fixDurationAtCreation {On(s.FixDurationAtCreation)}");

    private static string On(bool? b) => b == true ? "on" : "off";
}
