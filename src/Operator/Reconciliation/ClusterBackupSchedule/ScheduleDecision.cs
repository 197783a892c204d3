using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;

/// <summary>What one pass over a schedule does: create at most one child, write the status, tell, prune, come back.</summary>
/// <param name="Create">The child to create first, or null.</param>
/// <param name="Status">The status to write once the child exists (written only if it differs from the stored one).</param>
/// <param name="Events">Events about the schedule, recorded after the status is written.</param>
/// <param name="Prune">Finished children beyond the history limits, deleted last.</param>
/// <param name="RequeueAfter">When to look again (the next slot), or null: only a change wakes it.</param>
public sealed record ScheduleDecision(
    ChildRequest? Create,
    ClusterBackupScheduleStatus Status,
    IReadOnlyList<ScheduleEvent> Events,
    IReadOnlyList<string> Prune,
    TimeSpan? RequeueAfter);

/// <summary>An event about a schedule.</summary>
public sealed record ScheduleEvent(bool Warning, string Reason, string Message)
{
    public const string Scheduled = "Scheduled";
    public const string MissedSchedule = "MissedSchedule";
    public const string SkippedActive = "SkippedActive";
    public const string InvalidSchedule = "InvalidSchedule";
    public const string BackupNotCreated = "BackupNotCreated";
}

/// <summary>One child to create: for a slot (<see cref="Slot"/>) or for a run-now token (<see cref="RunNowToken"/>).</summary>
public sealed record ChildRequest(string Name, string DataBackupMode, DateTimeOffset? Slot, string? RunNowToken)
{
    /// <summary>
    /// The child as it is created (the controller adds the owner reference): the template's labels and
    /// annotations, the schedule label, the slot (or the token) annotation, and the template's spec with this
    /// data backup mode.
    /// </summary>
    public V1alpha1ClusterBackupNow ToResource(V1alpha1ClusterBackupSchedule schedule)
    {
        var template = schedule.Spec.BackupTemplate;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [V1alpha1ClusterBackupSchedule.ScheduleLabel] = ChildNames.LabelValue(schedule.Metadata.Name),
        };
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>());
        annotations.Remove(V1alpha1ClusterBackupSchedule.RunNowAnnotation);
        annotations.Remove(V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation);
        if (Slot is { } slot)
        {
            annotations[V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = ChildNames.ScheduledAt(slot);
        }

        if (RunNowToken is { } token)
        {
            annotations[V1alpha1ClusterBackupSchedule.RunNowAnnotation] = token;
        }

        return new V1alpha1ClusterBackupNow
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                NamespaceProperty = schedule.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = annotations,
            },
            Spec = template.Spec.ToBackupNowSpec(DataBackupMode),
        };
    }
}
