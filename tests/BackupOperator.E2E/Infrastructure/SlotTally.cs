using BackupOperator.Entities;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A schedule's slots against its children, from a status frozen by stopping the operator, slot by slot: every
/// slot of '*/period * * * * *' after the schedule's creation up to the frozen lastScheduleTime has exactly one
/// child (two or more: doubled), or none; the slots with none must be as many as the status counted
/// (missedSlots + skippedSlots, which are counts, not lists). A child on no expected slot (off the period, before
/// the first slot, or beyond the frozen lastScheduleTime but the one whose status write the stop cut off) is
/// unaccounted on its own: it never fills an empty slot's place, and a doubled slot never makes up for a missing
/// one. A run-now child (no slot annotation) is no slot's. No lastScheduleTime means no slots, which the soak counts as a defect of its own.
/// </summary>
internal sealed record SlotTally(int Slots, int Doubled, int Unaccounted, DateTimeOffset Last, IReadOnlyList<string> Problems)
{
    public bool Clean => Slots > 0 && Doubled == 0 && Unaccounted == 0 && Problems.Count == 0;

    public static SlotTally Count(V1alpha1ClusterBackupSchedule frozen, IReadOnlyList<V1alpha1ClusterBackupNow> children, int period)
    {
        var problems = new List<string>();
        var name = frozen.Metadata.Name;
        var last = frozen.Status?.LastScheduleTime is { } lastTime
            ? new DateTimeOffset(DateTime.SpecifyKind(lastTime, DateTimeKind.Utc))
            : (DateTimeOffset?)null;
        var expected = new List<DateTimeOffset>();
        for (var s = FirstSlotAfter(frozen.Metadata.CreationTimestamp!.Value, period); last is { } l && s <= l; s = s.AddSeconds(period))
        {
            expected.Add(s);
        }

        // A child without a slot annotation is a run-now child: not a slot's.
        var bySlot = children.Where(c => ScheduleOps.SlotOf(c) is not null)
            .GroupBy(c => ScheduleOps.SlotOf(c)!.Value).ToDictionary(g => g.Key, g => g.Select(c => c.Metadata.Name).ToList());
        var doubled = 0;
        var empty = 0L;
        foreach (var slot in expected)
        {
            var here = bySlot.GetValueOrDefault(slot) ?? [];
            if (here.Count > 1)
            {
                doubled++;
                problems.Add($"{name}: slot {slot:O} has {here.Count} children: {string.Join(", ", here)}");
            }

            empty += here.Count == 0 ? 1 : 0;
        }

        // Children on no expected slot: at most one beyond the frozen lastScheduleTime (its status write was cut off).
        var stray = bySlot.Where(g => !expected.Contains(g.Key)).OrderBy(g => g.Key).ToList();
        var cutOff = stray.Any(g => last is { } l && g.Key > l && g.Key.ToUnixTimeSeconds() % period == 0 && g.Value.Count == 1) ? 1 : 0;
        var unaccounted = stray.Sum(g => g.Value.Count) - cutOff;
        if (unaccounted > 0)
        {
            problems.Add($"{name}: {unaccounted} child(ren) on no expected slot up to {last?.ToString("O") ?? "(no lastScheduleTime)"}: "
                + string.Join(", ", stray.Select(g => $"{g.Key:O} {string.Join("+", g.Value)}")));
        }

        var counted = (frozen.Status?.MissedSlots ?? 0) + (frozen.Status?.SkippedSlots ?? 0);
        if (empty != counted)
        {
            unaccounted += (int)Math.Abs(empty - counted);
            problems.Add($"{name}: {expected.Count} slots up to {last:O}, {empty} without a child, but missed {frozen.Status?.MissedSlots ?? 0} + skipped {frozen.Status?.SkippedSlots ?? 0} = {counted}");
        }

        return new SlotTally(expected.Count, doubled, unaccounted, last ?? DateTimeOffset.MinValue, problems);
    }

    /// <summary>The first multiple of <paramref name="period"/> seconds strictly after the creation time (whole seconds, as stored).</summary>
    public static DateTimeOffset FirstSlotAfter(DateTime created, int period)
    {
        var seconds = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)).ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds((seconds / period + 1) * period);
    }
}
