using System.Globalization;
using System.Text.Json;
using BackupOperator.Entities;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;

/// <summary>
/// The schedule's decision, pure: (schedule with its stored status, its children, now) →
/// <see cref="ScheduleDecision"/>. Exactly once per slot and per run-now token rests on three rules:
/// <list type="number">
/// <item>a child's name is derived from the slot (or the token), so creating it twice is AlreadyExists;</item>
/// <item>the newest slot handled is where the next pass counts from: the stored lastScheduleTime, or a
/// newer slot child that exists (its status write was lost), which the pass then records in lastScheduleTime;</item>
/// <item>a finished child is pruned only once the stored status says its slot or token was handled,
/// so a lost status write can never make a pruned slot due again.</item>
/// </list>
/// </summary>
public static class ScheduleReconciler
{
    /// <summary>The longest wait between passes, so a clock step or a lost timer costs at most this.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    /// <summary>A pass wakes this much after the slot, never a hair before it.</summary>
    private static readonly TimeSpan AfterSlot = TimeSpan.FromMilliseconds(5);

    /// <summary>How many unfinished children a schedule with concurrencyPolicy Allow may have, unless configured (Schedule:MaxActiveChildren).</summary>
    public const int DefaultMaxActiveChildren = 10;

    /// <param name="schedule">The schedule as stored.</param>
    /// <param name="children">The ClusterBackupNow objects it controls (its uid in their controller ownerReference).</param>
    /// <param name="now">The clock.</param>
    /// <param name="maxActiveChildren">With concurrencyPolicy Allow, a slot is skipped while this many children are unfinished.</param>
    /// <param name="nameTaken">
    /// True for a name an object this schedule does not control already has: that slot's or token's child is never
    /// created (nor taken for it); the slot is counted in skippedSlots and reported (BackupNotCreated, NameTaken).
    /// </param>
    public static ScheduleDecision Decide(V1alpha1ClusterBackupSchedule schedule, IReadOnlyList<ScheduleChild> children, DateTimeOffset now,
        int maxActiveChildren = DefaultMaxActiveChildren, Func<string, bool>? nameTaken = null)
    {
        nameTaken ??= _ => false;
        var spec = schedule.Spec;
        var stored = schedule.Status;
        var status = Copy(stored);
        var generation = schedule.Metadata.Generation;
        var name = schedule.Metadata.Name;
        var events = new List<ScheduleEvent>();
        var timing = ObservedSchedule.Of(spec);
        var timingChanged = stored?.ObservedSchedule is { } observed && observed != timing;
        status.ObservedSchedule = timing;

        ChildRequest? create = null;
        TimeSpan? requeue = null;
        if (!CronSchedule.TryParse(spec, out var cron, out var error))
        {
            var already = stored.IsInvalid() && stored.Condition(ClusterBackupScheduleStatusTransitions.InvalidSchedule)?.Message == error.Message;
            status.SetInvalid(error.Reason, error.Message, now.UtcDateTime, generation);
            status.NextScheduleTime = status.NextFullScheduleTime = status.NextIncrementalScheduleTime = null;
            if (!already)
            {
                events.Add(new ScheduleEvent(true, ScheduleEvent.InvalidSchedule, $"{error.Message}; no backup runs until it is fixed"));
            }
        }
        else
        {
            var suspended = spec.Suspend == true;
            var since = Since(schedule, children);
            var plan = SlotPlanner.Plan(cron, since, now, spec.StartingDeadlineSeconds);
            var newest = plan.Newest;
            var due = plan.Due;
            var (missed, missedIsLowerBound) = (plan.Missed, plan.MissedCountIsLowerBound);

            // A child newer than the stored lastScheduleTime: the pass that created it lost its status write,
            // and with it the count of the slots it missed before that child's slot. Count them again.
            var recorded = SlotPlanner.Since(schedule);
            if (since > recorded)
            {
                var (between, capped) = SlotPlanner.CountBetween(cron, recorded, since);
                missed += Math.Max(0, between - children.Count(c => c.IsSlot && c.ScheduledAt > recorded && c.ScheduledAt < since));
                missedIsLowerBound |= capped;
            }

            // immediate: one more FULL slot, at the creation time, before any other slot was handled.
            if (spec.Immediate == true && stored?.LastScheduleTime is null && !children.Any(c => c.IsSlot)
                && schedule.Metadata.CreationTimestamp is { } created)
            {
                var immediate = new Slot(new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)), OcpValues.FullBackup);
                var late = spec.StartingDeadlineSeconds is { } deadline && now - immediate.At > TimeSpan.FromSeconds(Math.Max(0, deadline));
                if (newest is null && !late)
                {
                    newest = due = immediate;
                }
                else
                {
                    newest ??= immediate;
                    missed++;
                }
            }

            if (timingChanged || suspended)
            {
                // An edit counts from now, and a suspended schedule runs nothing: the slots that passed are consumed, not missed.
                due = null;
                missed = 0;
            }

            if (missed > 0)
            {
                status.MissedSlots = (status.MissedSlots ?? 0) + missed;
                var count = missedIsLowerBound ? $"at least {missed}" : missed.ToString(CultureInfo.InvariantCulture);
                var after = due is { } run
                    ? $"only the newest, {Stamp(run.At)}, runs"
                    : plan.DeadlinePassed && newest is { } late
                        ? $"the newest, {Stamp(late.At)}, is past startingDeadlineSeconds ({spec.StartingDeadlineSeconds}s)"
                        : "none of them runs";
                events.Add(new ScheduleEvent(true, ScheduleEvent.MissedSchedule,
                    $"{count} slot(s) after {Stamp(recorded)} were missed (the operator was not running, the API server refused their backup so it could not be created, or their starting deadline passed); {after}"));
            }

            if (due is { } slot)
            {
                var active = children.Where(c => !c.IsDone).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
                var childName = ChildNames.ForSlot(name, slot.At);
                if (spec.EffectiveConcurrencyPolicy == ConcurrencyPolicies.Forbid && active.Count > 0)
                {
                    status.SkippedSlots = (status.SkippedSlots ?? 0) + 1;
                    events.Add(new ScheduleEvent(false, ScheduleEvent.SkippedActive,
                        $"slot {Stamp(slot.At)} ({slot.DataBackupMode}) skipped: {string.Join(", ", active)} still active (concurrencyPolicy Forbid)"));
                }
                else if (active.Count >= Math.Max(1, maxActiveChildren))
                {
                    status.SkippedSlots = (status.SkippedSlots ?? 0) + 1;
                    events.Add(new ScheduleEvent(true, ScheduleEvent.SkippedActive,
                        $"slot {Stamp(slot.At)} ({slot.DataBackupMode}) skipped: {active.Count} of this schedule's backups are unfinished, "
                        + $"the most concurrencyPolicy Allow lets wait (Schedule:MaxActiveChildren {maxActiveChildren}); the oldest is {active[0]}"));
                }
                else if (nameTaken(childName))
                {
                    status.SkippedSlots = (status.SkippedSlots ?? 0) + 1;
                    var message = NameTakenMessage(childName, $"slot {Stamp(slot.At)} ({slot.DataBackupMode})");
                    status.SetNameTaken(message, now.UtcDateTime, generation);
                    events.Add(new ScheduleEvent(true, ScheduleEvent.BackupNotCreated, $"{ClusterBackupScheduleStatusTransitions.NameTaken}: {message}"));
                }
                else
                {
                    create = new ChildRequest(childName, slot.DataBackupMode, slot.At, null);
                    events.Add(new ScheduleEvent(false, ScheduleEvent.Scheduled,
                        $"created ClusterBackupNow {create.Name} ({slot.DataBackupMode}) for slot {Stamp(slot.At)}"));
                }
            }

            // A slot child newer than the stored status (the write that recorded it was lost) is recorded too,
            // so its slot stays handled once the child is gone (its TTL, a deletion by hand), as Since counts.
            var handledUpTo = newest?.At;
            foreach (var child in children)
            {
                if (child.IsSlot && (handledUpTo is null || child.ScheduledAt > handledUpTo))
                {
                    handledUpTo = child.ScheduledAt;
                }
            }

            if (handledUpTo is { } handled && (status.LastScheduleTime is not { } last || handled.UtcDateTime > last))
            {
                status.LastScheduleTime = handled.UtcDateTime;
            }

            status.NextScheduleTime = suspended ? null : plan.Next?.At.UtcDateTime;
            status.NextFullScheduleTime = suspended ? null : plan.NextFull?.UtcDateTime;
            status.NextIncrementalScheduleTime = suspended ? null : plan.NextIncremental?.UtcDateTime;
            status.SetValid(suspended, ReadyMessage(plan, suspended), now.UtcDateTime, generation);
            if (!suspended && plan.Next is { } next)
            {
                var wait = next.At - now + AfterSlot;
                requeue = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;
            }
            else if (!suspended)
            {
                requeue = MaxWait;
            }

            // Run now: an explicit request, so neither suspend nor Forbid holds it back; one child per token.
            if (RunNowToken(schedule) is { } token && !stored.HasServed(token))
            {
                var childName = ChildNames.ForRunNow(name, token);
                if (nameTaken(childName))
                {
                    // Served all the same: the token asked for one backup, and another object answers to its name.
                    status.RememberRunNowToken(token);
                    var message = NameTakenMessage(childName, $"run-now token '{token}'");
                    status.SetNameTaken(message, now.UtcDateTime, generation);
                    events.Add(new ScheduleEvent(true, ScheduleEvent.BackupNotCreated, $"{ClusterBackupScheduleStatusTransitions.NameTaken}: {message}"));
                }
                else if (create is null)
                {
                    create = new ChildRequest(childName, OcpValues.FullBackup, null, token);
                    status.RememberRunNowToken(token);
                    events.Add(new ScheduleEvent(false, ScheduleEvent.Scheduled,
                        $"created ClusterBackupNow {create.Name} ({OcpValues.FullBackup}) for run-now token '{token}'"));
                }
                else
                {
                    requeue = TimeSpan.Zero; // one child per pass: the token is served by the next one
                }
            }
        }

        if (create is not null)
        {
            status.SetCreated(create.Name, now.UtcDateTime, generation);
        }

        Summarize(status, children, create);
        return new ScheduleDecision(create, status, events, Prunable(schedule, children), requeue);
    }

    /// <summary>The trimmed run-now annotation, or null when absent or blank.</summary>
    public static string? RunNowToken(V1alpha1ClusterBackupSchedule schedule) =>
        schedule.Metadata.Annotations is { } a && a.TryGetValue(V1alpha1ClusterBackupSchedule.RunNowAnnotation, out var t) && !string.IsNullOrWhiteSpace(t)
            ? t.Trim()
            : null;

    /// <summary>Where this pass counts slots from: the stored lastScheduleTime (else the creation time), or a newer slot child's slot.</summary>
    public static DateTimeOffset Since(V1alpha1ClusterBackupSchedule schedule, IReadOnlyList<ScheduleChild> children)
    {
        var since = SlotPlanner.Since(schedule);
        foreach (var child in children)
        {
            if (child.IsSlot && child.ScheduledAt > since)
            {
                since = child.ScheduledAt.Value;
            }
        }

        return since;
    }

    /// <summary>
    /// Finished children beyond the history limits, oldest first out. A child is never pruned before the
    /// stored status records its slot (lastScheduleTime at or after it) or its token (lastRunNowToken or runNowTokens),
    /// and a child of the current run-now token only once that token is recorded.
    /// </summary>
    public static IReadOnlyList<string> Prunable(V1alpha1ClusterBackupSchedule schedule, IReadOnlyList<ScheduleChild> children)
    {
        var stored = schedule.Status;
        var currentToken = RunNowToken(schedule);
        bool Recorded(ScheduleChild c) => c.RunNowToken is { } token
            ? token != currentToken || stored.HasServed(token)
            : c.ScheduledAt is { } at && stored?.LastScheduleTime is { } last && at.UtcDateTime <= DateTime.SpecifyKind(last, DateTimeKind.Utc);

        var finished = ScheduleChild.NewestFirst(children.Where(c => c.IsDone)).ToList();
        var keepSucceeded = Math.Max(0, schedule.Spec.EffectiveSuccessfulBackupsHistoryLimit);
        var keepFailed = Math.Max(0, schedule.Spec.EffectiveFailedBackupsHistoryLimit);
        return finished.Where(c => c.Succeeded).Skip(keepSucceeded)
            .Concat(finished.Where(c => !c.Succeeded).Skip(keepFailed))
            .Where(Recorded)
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary>active, lastBackup and lastSuccessfulTime from the children (and the one being created).</summary>
    private static void Summarize(ClusterBackupScheduleStatus status, IReadOnlyList<ScheduleChild> children, ChildRequest? create)
    {
        var active = children.Where(c => !c.IsDone).Select(c => c.Name);
        if (create is not null)
        {
            active = active.Append(create.Name);
        }

        var names = active.Distinct().Order(StringComparer.Ordinal).ToList();
        status.Active = names.Count == 0 ? null : names;

        var newest = ScheduleChild.NewestFirst(children).FirstOrDefault();
        if (create is not null && children.All(c => c.Name != create.Name))
        {
            status.LastBackup = new ScheduledBackupSummary { Name = create.Name, DataBackupMode = create.DataBackupMode };
        }
        else if (newest is not null)
        {
            status.LastBackup = new ScheduledBackupSummary
            {
                Name = newest.Name,
                DataBackupMode = newest.DataBackupMode,
                Phase = newest.Phase,
                TaskIds = newest.TaskIds is { Count: > 0 } ids ? [.. ids] : null,
                CompletedAt = newest.CompletedAt,
            };
        }

        foreach (var c in children.Where(c => c.Succeeded && c.CompletedAt is not null))
        {
            if (status.LastSuccessfulTime is not { } last || c.CompletedAt > last)
            {
                status.LastSuccessfulTime = c.CompletedAt;
            }
        }
    }

    private static string ReadyMessage(SlotPlan plan, bool suspended)
    {
        if (suspended)
        {
            return "spec.suspend is true: no new backups";
        }

        if (plan.Next is null)
        {
            return "no future slot: the crons never fire again";
        }

        var full = plan.NextFull is { } f ? $"next FULL at {Stamp(f)}" : "no future FULL slot";
        return plan.NextIncremental is { } i ? $"{full}, next INCREMENTAL at {Stamp(i)}" : full;
    }

    private static string NameTakenMessage(string childName, string what) =>
        $"{what} skipped: ClusterBackupNow {childName} exists and this schedule does not control it (no controller ownerReference with its uid); "
        + "it is not taken as this schedule's backup";

    private static string Stamp(DateTimeOffset t) => ChildNames.ScheduledAt(t);

    /// <summary>A deep copy of <paramref name="status"/>, or an empty status.</summary>
    public static ClusterBackupScheduleStatus Copy(ClusterBackupScheduleStatus? status) =>
        status is null ? new ClusterBackupScheduleStatus() : JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(status, EntityJsonContext.Default.ClusterBackupScheduleStatus), EntityJsonContext.Default.ClusterBackupScheduleStatus)!;
}
