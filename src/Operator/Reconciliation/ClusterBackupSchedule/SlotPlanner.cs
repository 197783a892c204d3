using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;

/// <summary>One instant a schedule fires, and the backup it asks for there.</summary>
public readonly record struct Slot(DateTimeOffset At, string DataBackupMode)
{
    public bool IsFull => DataBackupMode == OcpValues.FullBackup;
}

/// <summary>
/// What a schedule should do at <c>now</c>, given the newest slot it already handled.
/// <list type="bullet">
/// <item><see cref="Due"/>: the slot to create a child for now, or null. Only ever the newest passed slot: never a burst.</item>
/// <item><see cref="Newest"/>: the newest slot in (since, now], run or missed; what lastScheduleTime becomes once handled.</item>
/// <item><see cref="Missed"/>: passed slots that will never run (all but the newest, and the newest too when its starting deadline passed).</item>
/// <item><see cref="DeadlinePassed"/>: the newest slot was older than startingDeadlineSeconds, so it is missed, not run.</item>
/// </list>
/// </summary>
public sealed record SlotPlan(
    Slot? Due,
    Slot? Newest,
    long Missed,
    bool MissedCountIsLowerBound,
    bool DeadlinePassed,
    Slot? Next,
    DateTimeOffset? NextFull,
    DateTimeOffset? NextIncremental);

/// <summary>
/// The slot arithmetic, pure: (parsed schedule, newest handled slot or creation time, now,
/// starting deadline) → <see cref="SlotPlan"/>. Slots are the union of the FULL and the
/// INCREMENTAL cron; an instant both fire is one FULL slot.
/// </summary>
/// <remarks>
/// Daylight saving is Cronos's (see the tests in ScheduleTimeZoneTests): a slot whose local
/// time falls into a skipped hour (spring forward) fires once, at the first instant after the gap
/// (02:30 in Europe/Berlin on the last Sunday of March fires at 03:00 CEST); a slot whose local
/// time occurs twice (autumn) fires once, at its first occurrence, when the cron names the hour;
/// a cron with a wildcard, step or range in the hour (0 * * * *, 30 */1 * * *, 30 1-3 * * *)
/// fires in both passes, as the clock does. Slots are instants: child names use UTC, so a repeated local hour never
/// gives two slots one name.
/// </remarks>
public static class SlotPlanner
{
    /// <summary>Missed slots are counted one by one up to this; beyond, the count is a lower bound.</summary>
    public const int MaxCountedMissedSlots = 10_000;

    /// <summary>Next incremental slots that coincide with a FULL one are skipped up to this many times.</summary>
    private const int MaxCoincidingSlots = 1_000;

    /// <summary>The first window searched back from now for the newest passed slot; it doubles from there.</summary>
    private static readonly TimeSpan FirstWindow = TimeSpan.FromMinutes(2);

    /// <summary>Where slot counting starts: the newest handled slot, else the schedule's creation.</summary>
    public static DateTimeOffset Since(V1alpha1ClusterBackupSchedule schedule)
    {
        var last = schedule.Status?.LastScheduleTime ?? schedule.Metadata.CreationTimestamp ?? DateTime.UnixEpoch;
        return new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc));
    }

    /// <summary>Plans the slot due at <paramref name="now"/>; slots at or before <paramref name="since"/> are done.</summary>
    public static SlotPlan Plan(CronSchedule schedule, DateTimeOffset since, DateTimeOffset now, long? startingDeadlineSeconds)
    {
        var nextFrom = now > since ? now : since;
        var nextFull = schedule.Full.GetNextOccurrence(nextFrom, schedule.Zone);
        var nextIncremental = NextIncremental(schedule, nextFrom);
        Slot? next = (nextFull, nextIncremental) switch
        {
            ({ } f, { } i) when i < f => new Slot(i, OcpValues.IncrementalBackup),
            ({ } f, _) => new Slot(f, OcpValues.FullBackup),
            (null, { } i) => new Slot(i, OcpValues.IncrementalBackup),
            _ => null,
        };

        var newest = NewestPassed(schedule, since, now);
        if (newest is not { } slot)
        {
            return new SlotPlan(null, null, 0, false, false, next, nextFull, nextIncremental);
        }

        var (earlier, capped) = CountBetween(schedule, since, slot.At);
        var late = startingDeadlineSeconds is { } deadline && now - slot.At > TimeSpan.FromSeconds(Math.Max(0, deadline));
        return new SlotPlan(
            Due: late ? null : slot,
            Newest: slot,
            Missed: earlier + (late ? 1 : 0),
            MissedCountIsLowerBound: capped,
            DeadlinePassed: late,
            Next: next,
            NextFull: nextFull,
            NextIncremental: nextIncremental);
    }

    /// <summary>
    /// The newest slot in (since, now], FULL when both crons fire there. Found by forward search
    /// only, in windows ending at now that double until one holds a slot or reaches since: Cronos's
    /// backward search disagrees with its forward one in a daylight-saving gap (it answers 01:59:59
    /// before the gap where the forward search fires at the gap's end), and the forward one is
    /// what the next times and the counts use.
    /// </summary>
    private static Slot? NewestPassed(CronSchedule schedule, DateTimeOffset since, DateTimeOffset now)
    {
        if (now <= since)
        {
            return null;
        }

        for (var window = FirstWindow; ; window += window)
        {
            var reachesSince = window >= now - since;
            var from = reachesSince ? since : now - window;
            var full = LastIn(schedule.Full, schedule.Zone, from, now);
            var incremental = schedule.Incremental is null ? null : LastIn(schedule.Incremental, schedule.Zone, from, now);
            Slot? slot = (full, incremental) switch
            {
                ({ } f, { } i) when i > f => new Slot(i, OcpValues.IncrementalBackup),
                ({ } f, _) => new Slot(f, OcpValues.FullBackup),
                (null, { } i) => new Slot(i, OcpValues.IncrementalBackup),
                _ => null,
            };
            if (slot is not null || reachesSince)
            {
                return slot;
            }
        }
    }

    private static DateTimeOffset? LastIn(Cronos.CronExpression cron, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        DateTimeOffset? last = null;
        foreach (var t in cron.GetOccurrences(from, to, zone, fromInclusive: false, toInclusive: true))
        {
            last = t;
        }

        return last;
    }

    /// <summary>Distinct slot instants strictly between from and to, counted up to <see cref="MaxCountedMissedSlots"/>.</summary>
    public static (long Count, bool Capped) CountBetween(CronSchedule schedule, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return (0, false);
        }

        using var full = schedule.Full.GetOccurrences(from, to, schedule.Zone, fromInclusive: false, toInclusive: false).GetEnumerator();
        using var incremental = (schedule.Incremental?.GetOccurrences(from, to, schedule.Zone, fromInclusive: false, toInclusive: false) ?? []).GetEnumerator();
        var hasFull = full.MoveNext();
        var hasIncremental = incremental.MoveNext();
        long count = 0;
        while (hasFull || hasIncremental)
        {
            if (count == MaxCountedMissedSlots)
            {
                return (count, true);
            }

            count++;
            if (hasFull && hasIncremental && full.Current == incremental.Current)
            {
                hasFull = full.MoveNext();
                hasIncremental = incremental.MoveNext();
            }
            else if (hasFull && (!hasIncremental || full.Current < incremental.Current))
            {
                hasFull = full.MoveNext();
            }
            else
            {
                hasIncremental = incremental.MoveNext();
            }
        }

        return (count, false);
    }

    /// <summary>The next instant after <paramref name="from"/> that runs INCREMENTAL: an incremental slot the FULL cron does not also fire.</summary>
    private static DateTimeOffset? NextIncremental(CronSchedule schedule, DateTimeOffset from)
    {
        if (schedule.Incremental is null)
        {
            return null;
        }

        var t = from;
        for (var i = 0; i < MaxCoincidingSlots; i++)
        {
            if (schedule.Incremental.GetNextOccurrence(t, schedule.Zone) is not { } candidate)
            {
                return null;
            }

            if (schedule.Full.GetNextOccurrence(candidate, schedule.Zone, inclusive: true) != candidate)
            {
                return candidate;
            }

            t = candidate;
        }

        return null;
    }
}
