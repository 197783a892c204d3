using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Controllers.ClusterBackupSchedule;

/// <summary>
/// Runs a ClusterBackupSchedule: <see cref="ScheduleReconciler"/> decides from the schedule, its
/// children in the ClusterBackupNow cache and the clock; this class does the I/O in the order
/// exactly-once needs: create the child (its name is the slot's idempotence key), then write the
/// status that records the slot, then record events, then prune old children.
/// </summary>
public sealed partial class ClusterBackupScheduleController(
    IResourceCache<V1alpha1ClusterBackupSchedule> cache,
    IResourceCache<V1alpha1ClusterBackupNow> backups,
    IResourceCreator<V1alpha1ClusterBackupNow> creator,
    IResourceDeleter<V1alpha1ClusterBackupNow> deleter,
    IStatusWriter<V1alpha1ClusterBackupSchedule, ClusterBackupScheduleStatus> statusWriter,
    IEventRecorder events,
    IScheduleMetrics metrics,
    TimeProvider time,
    ILogger<ClusterBackupScheduleController> logger) : IEntityController<V1alpha1ClusterBackupSchedule>
{
    // A conflict means a newer object is on its way through the watch; look again soon.
    private static readonly TimeSpan ConflictRequeue = TimeSpan.FromMilliseconds(200);

    public async Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupSchedule schedule, CancellationToken cancellationToken)
    {
        var key = NamespacedName.From(schedule);
        var owned = Owners.ListOwned<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>(backups, schedule);
        var decision = ScheduleReconciler.Decide(schedule, owned.Select(ScheduleChild.From).ToList(), time.GetUtcNow());
        var tell = decision.Events;

        if (decision.Create is { } request)
        {
            var child = request.ToResource(schedule);
            child.Metadata.OwnerReferences = [Owners.ControllerReferenceTo(schedule)];
            try
            {
                if (await creator.CreateAsync(child, cancellationToken) is { } created)
                {
                    // Written through, so the next pass sees it active before its watch event arrives.
                    backups.Upsert(created);
                    LogCreated(logger, key.ToString(), created.Metadata.Name, request.DataBackupMode, request.Slot?.ToString("O") ?? "run-now");
                }
                else
                {
                    // Created by an earlier pass whose status write was lost: the slot is done, and was told then.
                    LogAlreadyExists(logger, key.ToString(), child.Metadata.Name);
                    tell = tell.Where(e => e.Reason != ScheduleEvent.Scheduled).ToList();
                }
            }
            catch (ResourceNotCreatedException e)
            {
                LogNotCreated(logger, key.ToString(), child.Metadata.Name, e.Message);
                await events.RecordAsync(schedule, new ObjectEvent(true, ScheduleEvent.BackupNotCreated, e.Message), cancellationToken);
                throw; // the slot stays unhandled: retried with backoff until a newer slot replaces it
            }
        }

        var written = schedule;
        if (!Same(schedule.Status, decision.Status))
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

    public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        // Its children go with it (ownerReferences: Kubernetes' garbage collector); their data in OCP stays.
        metrics.ScheduleDeleted(key);
        LogDeleted(logger, key.ToString());
        return Task.CompletedTask;
    }

    private static bool Same(ClusterBackupScheduleStatus? stored, ClusterBackupScheduleStatus next) =>
        stored is not null && JsonSerializer.SerializeToUtf8Bytes(stored, EntityJsonContext.Default.ClusterBackupScheduleStatus).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(next, EntityJsonContext.Default.ClusterBackupScheduleStatus));

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

    [LoggerMessage(4007, LogLevel.Information, "ClusterBackupSchedule {Schedule} deleted")]
    private static partial void LogDeleted(ILogger logger, string schedule);
}
