using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation;

public sealed partial class BackupReconciler
{
    /// <summary>Running: read every task; all SUCCESSFUL is Succeeded, any FAILED is Failed.</summary>
    private async Task<ReconcileDecision> FollowAsync(Step step, CancellationToken ct)
    {
        var s = step.Status;
        var wasUnknown = s.Phase == BackupPhase.Unknown;
        IOcpApi api;
        try
        {
            api = await connector.ConnectAsync(step.Resource, ct);
        }
        catch (OcpConfigurationException e)
        {
            return Unreachable(step, new OcpApiException("connect", OcpFailureKind.Rejected, e.Message), "cannot follow the tasks");
        }

        var tasks = new List<TaskInstance>();
        foreach (var id in s.TaskIds!)
        {
            try
            {
                tasks.Add((await api.GetTaskAsync(id, ct)).Data);
            }
            catch (OcpApiException e) when (e.Kind == OcpFailureKind.Rejected && e.HttpStatus == 404)
            {
                var lost = $"OCP no longer knows task {id}: {e.Message}";
                s.SetFailed("TaskNotFound", lost, step.Now, step.Generation);
                return step.Finish(null, BackupEvent.Warn("Failed", lost));
            }
            catch (OcpApiException e)
            {
                return Unreachable(step, e, $"cannot read task {id}");
            }
        }

        s.Tasks = tasks.Select(TaskMapping.ToState).ToList();
        s.UnreachableSince = null;
        s.SetCondition(ConditionTypes.OcpReachable, true, "Answered", "OCP answered", step.Now, step.Generation);

        var failed = tasks.FirstOrDefault(t => Is(t.Status, TaskStatus.Failed));
        if (failed is not null)
        {
            var sub = failed.Subtasks?.FirstOrDefault(st => Is(st.Status, TaskStatus.Failed))?.Name;
            var message = $"OCP task {failed.Id} '{failed.Name}' failed" + (sub is null ? string.Empty : $" at sub-task '{sub}'");
            s.SetFailed("TaskFailed", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("Failed", message));
        }

        if (tasks.All(t => Is(t.Status, TaskStatus.Successful)))
        {
            var message = $"backup of cluster {step.Resource.Spec.ClusterId} completed: task(s) {Ids(s.TaskIds!)} SUCCESSFUL";
            s.SetSucceeded(message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Normal("Succeeded", message));
        }

        var states = string.Join(", ", tasks.Select(t => $"{t.Id} {t.Status ?? "(no status)"}"));
        s.Phase = BackupPhase.Running;
        s.Reason = "TasksRunning";
        s.Message = $"following OCP task(s): {states}";
        return wasUnknown
            ? step.Finish(_options.PollInterval, BackupEvent.Normal("Running", $"OCP answers again; {s.Message}"))
            : step.Finish(_options.PollInterval);
    }

    private static bool Is(string? status, string expected) => string.Equals(status, expected, StringComparison.OrdinalIgnoreCase);
}
