using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controllers.ClusterBackupSchedule;

/// <summary>
/// Runs a ClusterBackupSchedule: <see cref="ScheduleReconciler"/> decides from the schedule, its
/// children in the ClusterBackupNow cache and the clock; this class does the I/O in the order
/// exactly-once needs: create the child (its name is the slot's idempotence key), then write the
/// status that records the slot, then record events, then prune old children. A name that already
/// exists is the slot's child only if this schedule controls it (its uid); any other object with
/// that name is never taken for it (NameTaken).
/// </summary>
public sealed partial class ClusterBackupScheduleController(
    IResourceCache<V1alpha1ClusterBackupSchedule> cache,
    IResourceCache<V1alpha1ClusterBackupNow> backups,
    IResourceCreator<V1alpha1ClusterBackupNow> creator,
    IResourceReader<V1alpha1ClusterBackupNow> reader,
    IResourceDeleter<V1alpha1ClusterBackupNow> deleter,
    IStatusWriter<V1alpha1ClusterBackupSchedule, ClusterBackupScheduleStatus> statusWriter,
    IEventRecorder events,
    IScheduleMetrics metrics,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    ILogger<ClusterBackupScheduleController> logger) : IEntityController<V1alpha1ClusterBackupSchedule>
{
    // A conflict means a newer object is on its way through the watch; look again soon.
    private static readonly TimeSpan ConflictRequeue = TimeSpan.FromMilliseconds(200);

    // A slot's child and a run-now token's child: each can find its name taken once.
    private const int MaxCreatesPerPass = 3;

    public async Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupSchedule schedule, CancellationToken cancellationToken)
    {
        var key = NamespacedName.From(schedule);
        var owned = Owners.ListOwned<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>(backups, schedule);
        var children = owned.Select(ScheduleChild.From).ToList();
        var now = time.GetUtcNow();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        bool NameTaken(string name) => taken.Contains(name)
            || (backups.TryGet(new NamespacedName(key.Namespace, name), out var other) && other is not null && !ControlledBy(other, schedule));
        ScheduleDecision Decide() => ScheduleReconciler.Decide(schedule, children, now, options.Value.MaxActiveChildren, NameTaken);

        var decision = Decide();
        var tell = decision.Events;
        for (var attempt = 0; decision.Create is { } request && attempt < MaxCreatesPerPass; attempt++)
        {
            var child = request.ToResource(schedule);
            child.Metadata.OwnerReferences = [Owners.ControllerReferenceTo(schedule)];
            V1alpha1ClusterBackupNow? created;
            try
            {
                created = await creator.CreateAsync(child, cancellationToken);
            }
            catch (ResourceNotCreatedException e)
            {
                await RefusedAsync(schedule, key, child.Metadata.Name, e, cancellationToken);
                throw; // the slot stays unhandled: retried with backoff until a newer slot replaces it
            }

            if (created is not null)
            {
                // Written through, so the next pass sees it active before its watch event arrives.
                backups.Upsert(created);
                LogCreated(logger, key.ToString(), created.Metadata.Name, request.DataBackupMode, request.Slot?.ToString("O") ?? "run-now");
                break;
            }

            // AlreadyExists: this schedule's own child from an earlier pass whose status write was lost, or another's object.
            var existing = await reader.ReadAsync(new NamespacedName(key.Namespace, child.Metadata.Name), cancellationToken);
            if (existing is null)
            {
                return ReconcileOutcome.Requeue(ConflictRequeue); // deleted in between: look again
            }

            if (ControlledBy(existing, schedule))
            {
                // The slot is done, and was told then.
                backups.Upsert(existing);
                LogAlreadyExists(logger, key.ToString(), child.Metadata.Name);
                tell = tell.Where(e => e.Reason != ScheduleEvent.Scheduled).ToList();
                break;
            }

            LogNameTaken(logger, key.ToString(), child.Metadata.Name);
            taken.Add(child.Metadata.Name);
            decision = Decide();
            tell = decision.Events;
        }

        var written = schedule;
        if (!StatusEquality.Same(schedule.Status, decision.Status))
        {
            try
            {
                written = await statusWriter.WriteAsync(schedule, decision.Status, cancellationToken);
                cache.Upsert(written);
            }
            catch (ResourceGoneException e)
            {
                LogStatusNotWritten(logger, key.ToString(), e.Message);
                return ReconcileOutcome.Done;
            }
            catch (StatusConflictException e)
            {
                // The child (if any) exists: the next pass finds it by name and records the slot then.
                LogStatusNotWritten(logger, key.ToString(), e.Message);
                return ReconcileOutcome.Requeue(ConflictRequeue);
            }
        }

        foreach (var e in tell)
        {
            LogEvent(logger, key.ToString(), e.Reason, e.Message);
            await events.RecordAsync(written, new ObjectEvent(e.Warning, e.Reason, e.Message), cancellationToken);
        }

        foreach (var name in decision.Prune)
        {
            if (owned.FirstOrDefault(c => c.Metadata.Name == name) is { } old)
            {
                await deleter.DeleteAsync(old, cancellationToken);
                LogPruned(logger, key.ToString(), name, old.Status?.Phase ?? "");
            }
        }

        metrics.ScheduleObserved(key, written.Status);
        return decision.RequeueAfter is { } after ? ReconcileOutcome.Requeue(after) : ReconcileOutcome.Done;
    }

    /// <summary>
    /// The API server refused the child: a BackupNotCreated warning, and the stored status (the slot still
    /// unhandled) with Ready=False and BackupNotCreated=True, reason CreateRefused, so the schedule does not
    /// say Ready while none of its backups can be created.
    /// </summary>
    private async Task RefusedAsync(V1alpha1ClusterBackupSchedule schedule, NamespacedName key, string name, ResourceNotCreatedException e, CancellationToken cancellationToken)
    {
        LogNotCreated(logger, key.ToString(), name, e.Message);
        await events.RecordAsync(schedule, new ObjectEvent(true, ScheduleEvent.BackupNotCreated, $"{ClusterBackupScheduleStatusTransitions.CreateRefused}: {e.Message}"), cancellationToken);
        var status = ScheduleReconciler.Copy(schedule.Status).SetCreateRefused(e.Message, time.GetUtcNow().UtcDateTime, schedule.Metadata.Generation);
        if (StatusEquality.Same(schedule.Status, status))
        {
            return;
        }

        try
        {
            cache.Upsert(await statusWriter.WriteAsync(schedule, status, cancellationToken));
        }
        catch (Exception failure) when (failure is StatusConflictException or ResourceGoneException)
        {
            LogStatusNotWritten(logger, key.ToString(), failure.Message); // the retry writes it
        }
    }

    private static bool ControlledBy(V1alpha1ClusterBackupNow child, V1alpha1ClusterBackupSchedule schedule) =>
        child.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == schedule.Metadata.Uid) == true;

    public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        // Its children go with it (ownerReferences: Kubernetes' garbage collector); their data in OCP stays.
        metrics.ScheduleDeleted(key);
        LogDeleted(logger, key.ToString());
        return Task.CompletedTask;
    }

    [LoggerMessage(4001, LogLevel.Information, "ClusterBackupSchedule {Schedule}: created {Backup} ({Mode}) for slot {Slot}")]
    private static partial void LogCreated(ILogger logger, string schedule, string backup, string mode, string slot);

    [LoggerMessage(4002, LogLevel.Information, "ClusterBackupSchedule {Schedule}: {Backup} already exists; its slot is done")]
    private static partial void LogAlreadyExists(ILogger logger, string schedule, string backup);

    [LoggerMessage(4003, LogLevel.Warning, "ClusterBackupSchedule {Schedule}: {Backup} not created, retrying: {Error}")]
    private static partial void LogNotCreated(ILogger logger, string schedule, string backup, string error);

    [LoggerMessage(4004, LogLevel.Debug, "Status of ClusterBackupSchedule {Schedule} not written, will re-read: {Error}")]
    private static partial void LogStatusNotWritten(ILogger logger, string schedule, string error);

    [LoggerMessage(4005, LogLevel.Information, "ClusterBackupSchedule {Schedule}: {Reason}: {Message}")]
    private static partial void LogEvent(ILogger logger, string schedule, string reason, string message);

    [LoggerMessage(4006, LogLevel.Information, "ClusterBackupSchedule {Schedule}: deleted finished backup {Backup} ({Phase}) beyond the history limit")]
    private static partial void LogPruned(ILogger logger, string schedule, string backup, string phase);

    [LoggerMessage(4008, LogLevel.Warning, "ClusterBackupSchedule {Schedule}: {Backup} exists and is not this schedule's; its slot is not taken for it")]
    private static partial void LogNameTaken(ILogger logger, string schedule, string backup);

    [LoggerMessage(4007, LogLevel.Information, "ClusterBackupSchedule {Schedule} deleted")]
    private static partial void LogDeleted(ILogger logger, string schedule);
}
