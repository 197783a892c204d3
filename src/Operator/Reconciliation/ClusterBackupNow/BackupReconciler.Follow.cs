using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

public sealed partial class BackupReconciler
{
    /// <summary>Running: read every task; all SUCCESSFUL is Succeeded, any FAILED is Failed.</summary>
    private async Task<ReconcileDecision> FollowAsync(Step step, CancellationToken ct)
    {
        var s = step.Status;
        IOcpApi api;
        try
        {
            // Always the OCP recorded with the intent: a url edited since moves nothing.
            var recorded = OcpTarget.RecordedIn(s);
            var session = await connector.ConnectAsync(step.Target, recorded, ct);
            RecordTarget(s, ref recorded, session);
            api = session.Api;
        }
        catch (OcpConfigurationException e)
        {
            return Unreachable(step, new OcpApiException("connect", OcpFailureKind.Rejected, e.Message), "cannot follow the tasks");
        }

        IReadOnlyList<TaskInstance> tasks;
        try
        {
            tasks = await ReadTasksAsync(api, s.TaskIds!, ct);
        }
        catch (OcpApiException e) when (e.Kind == OcpFailureKind.Rejected && e.HttpStatus == 404)
        {
            var lost = $"OCP no longer knows a task of this backup: {e.Message}";
            s.SetFailed("TaskNotFound", lost, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("Failed", lost));
        }
        catch (OcpApiException e)
        {
            return Unreachable(step, e, "cannot read the backup's tasks");
        }

        return ApplyTasks(step, tasks, wasUnknown: s.Phase == BackupPhase.Unknown);
    }

    /// <summary>Right after OCP accepted: read the tasks in the same step, so one status write carries both.</summary>
    private async Task<ReconcileDecision> FollowAcceptedAsync(Step step, IOcpApi api, ReconcileDecision accepted, CancellationToken ct)
    {
        try
        {
            return ApplyTasks(step, await ReadTasksAsync(api, step.Status.TaskIds!, ct), wasUnknown: false);
        }
        catch (OcpApiException)
        {
            return accepted; // the next poll reads them; OCP just answered, so this is no reason for Unknown
        }
    }

    private static async Task<IReadOnlyList<TaskInstance>> ReadTasksAsync(IOcpApi api, IEnumerable<long> ids, CancellationToken ct)
    {
        var tasks = new List<TaskInstance>();
        foreach (var id in ids)
        {
            tasks.Add((await api.GetTaskAsync(id, ct)).Data);
        }

        return tasks;
    }

    private ReconcileDecision ApplyTasks(Step step, IReadOnlyList<TaskInstance> tasks, bool wasUnknown)
    {
        var s = step.Status;
        s.Tasks = tasks.Select(TaskMapping.ToState).ToList();
        s.SetOcpAnswered(step.Now, step.Generation);

        var failed = tasks.FirstOrDefault(t => OcpTaskStatus.Is(t.Status, OcpTaskStatus.Failed));
        if (failed is not null)
        {
            var sub = failed.Subtasks?.FirstOrDefault(st => OcpTaskStatus.Is(st.Status, OcpTaskStatus.Failed))?.Name;
            var message = $"OCP task {failed.Id} '{failed.Name}' failed" + (sub is null ? string.Empty : $" at sub-task '{sub}'");
            s.SetFailed("TaskFailed", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("Failed", message));
        }

        if (tasks.All(t => OcpTaskStatus.Is(t.Status, OcpTaskStatus.Successful)))
        {
            var message = $"backup of cluster {step.Spec.ClusterId} completed: task(s) {Ids(s.TaskIds!)} SUCCESSFUL";
            s.SetSucceeded(message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Normal("Succeeded", message));
        }

        var states = string.Join(", ", tasks.Select(t => $"{t.Id} {OcpTaskStatus.Normalize(t.Status) ?? "(no status)"}"));
        s.SetRunning(s.TaskIds!, $"following OCP task(s): {states}", step.Now, step.Generation);
        return wasUnknown
            ? step.Finish(_options.PollInterval, BackupEvent.Normal("Running", $"OCP answers again; {s.Message}"))
            : step.Finish(_options.PollInterval);
    }
}
