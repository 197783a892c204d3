using BackupOperator.Entities;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A schedule's slots against its children, from a status frozen by stopping the operator: every slot
/// of '*/period * * * * *' after the schedule's creation up to the frozen lastScheduleTime has one child
/// or was counted (missedSlots + skippedSlots); a slot with two or more children is doubled. At most one
/// child may lie beyond the frozen lastScheduleTime: the one whose status write the stop cut off.
/// </summary>
internal sealed record SlotTally(int Slots, int Doubled, int Unaccounted, DateTimeOffset Last, IReadOnlyList<string> Problems)
{
    public bool Clean => Doubled == 0 && Unaccounted == 0 && Problems.Count == 0;

    public static SlotTally Count(V1alpha1ClusterBackupSchedule frozen, IReadOnlyList<V1alpha1ClusterBackupNow> children, int period)
    {
        var problems = new List<string>();
        var name = frozen.Metadata.Name;
        var bySlot = children.Where(c => ScheduleOps.SlotOf(c) is not null).GroupBy(c => ScheduleOps.SlotOf(c)!.Value).ToList();
        var doubled = bySlot.Where(g => g.Count() > 1).ToList();
        problems.AddRange(doubled.Select(g => $"{name}: slot {g.Key:O} has {g.Count()} children: {string.Join(", ", g.Select(c => c.Metadata.Name))}"));
        if (frozen.Status?.LastScheduleTime is not { } lastTime)
        {
            return new SlotTally(0, doubled.Count, 0, DateTimeOffset.MinValue, problems);
        }

        var last = new DateTimeOffset(DateTime.SpecifyKind(lastTime, DateTimeKind.Utc));
        var slots = new List<DateTimeOffset>();
        for (var s = FirstSlotAfter(frozen.Metadata.CreationTimestamp!.Value, period); s <= last; s = s.AddSeconds(period))
        {
            slots.Add(s);
        }

        var beyond = bySlot.Where(g => g.Key > last).ToList();
        if (beyond.Count > 1)
        {
            problems.Add($"{name}: {beyond.Count} slots with children after the frozen lastScheduleTime {last:O}: {string.Join(", ", beyond.Select(g => g.Key.ToString("O")))}");
        }

        var empty = slots.Count(s => bySlot.All(g => g.Key != s));
        var counted = (frozen.Status.MissedSlots ?? 0) + (frozen.Status.SkippedSlots ?? 0);
        var unaccounted = (int)Math.Abs(empty - counted);
        if (unaccounted > 0)
        {
            problems.Add($"{name}: {slots.Count} slots up to {last:O}, {empty} without a child, but missed {frozen.Status.MissedSlots ?? 0} + skipped {frozen.Status.SkippedSlots ?? 0}");
        }

        return new SlotTally(slots.Count, doubled.Count, unaccounted, last, problems);
    }

    /// <summary>The first multiple of <paramref name="period"/> seconds strictly after the creation time (whole seconds, as stored).</summary>
    public static DateTimeOffset FirstSlotAfter(DateTime created, int period)
    {
        var seconds = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)).ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds((seconds / period + 1) * period);
    }
}
