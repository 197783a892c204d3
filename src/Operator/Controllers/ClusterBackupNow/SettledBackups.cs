using System.Runtime.CompilerServices;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// A finished backup with nothing left to decide (terminal, its generation observed, no spec change
/// pending, its Complete or Failed condition written) is kept in the cache as a slim copy: what its reconcile reads
/// (phase, generations, times, TTL, cluster, task ids, which conditions are True) and nothing of its task states,
/// results, storage config or condition texts, which stay in
/// the API server. So the operator's memory grows with active backups, not with history. A slim
/// copy is never the base of a status write: <see cref="ClusterBackupNowController"/> reads the whole object
/// first if a decision on one ever wants to write.
/// </summary>
public static class SettledBackups
{
    private static readonly ConditionalWeakTable<V1alpha1ClusterBackupNow, object> Slim = [];

    public static bool IsSlim(V1alpha1ClusterBackupNow resource) => Slim.TryGetValue(resource, out _);

    public static bool IsSettled(V1alpha1ClusterBackupNow resource) =>
        resource.Status is { IsDone: true, ObservedGeneration: { } observed } status
        && observed == resource.Metadata.Generation
        && resource.Metadata.DeletionTimestamp is null
        && (status.SubmittedGeneration is null || status.SubmittedGeneration == resource.Metadata.Generation
            || status.IsConditionTrue(ConditionTypes.SpecChangeIgnored))
        && status.HasOutcomeConditions();

    /// <summary>The slim copy of a settled backup; any other object unchanged.</summary>
    public static V1alpha1ClusterBackupNow Compact(V1alpha1ClusterBackupNow resource)
    {
        if (!IsSettled(resource) || IsSlim(resource))
        {
            return resource;
        }

        var m = resource.Metadata;
        var s = resource.Status!;
        var slim = new V1alpha1ClusterBackupNow
        {
            // The same few strings in every copy: one instance each.
            ApiVersion = Intern(resource.ApiVersion)!,
            Kind = Intern(resource.Kind)!,
            Metadata = new V1ObjectMeta
            {
                Name = m.Name,
                NamespaceProperty = Intern(m.NamespaceProperty),
                Uid = m.Uid,
                ResourceVersion = m.ResourceVersion,
                Generation = m.Generation,
                CreationTimestamp = m.CreationTimestamp,
                // No labels: nothing in the operator selects cached backups by label (a schedule finds its children by owner).
                // What a schedule reads of its children: who owns it, and its slot or run-now token.
                OwnerReferences = m.OwnerReferences,
                Annotations = ScheduleAnnotations(m.Annotations),
            },
            Spec = new ClusterBackupNowSpec
            {
                ClusterId = resource.Spec.ClusterId,
                TtlSecondsAfterFinished = resource.Spec.TtlSecondsAfterFinished,
                DataBackupMode = Intern(resource.Spec.DataBackupMode),
            },
            Status = new ClusterBackupNowStatus
            {
                Phase = Intern(s.Phase),
                Reason = Intern(s.Reason),
                ObservedGeneration = s.ObservedGeneration,
                SubmittedGeneration = s.SubmittedGeneration,
                // The cluster it was about and the tasks it recorded: never adopted by a later backup of that cluster.
                SubmittedSpec = s.SubmittedSpec is null ? null : new ClusterBackupNowSpec { ClusterId = s.SubmittedSpec.ClusterId },
                TaskIds = s.TaskIds is { Count: > 0 } ids ? [.. ids] : null,
                CompletedAt = s.CompletedAt,
                Successful = s.Successful,
                Conditions = SlimConditions(s.Conditions),
            },
        };
        Slim.Add(slim, slim);
        return slim;
    }

    /// <summary>
    /// SpecChangeIgnored as it is (the reconciler notes an edit once); Complete and Failed without their texts
    /// (the reconciler checks that they match the phase and the generation).
    /// </summary>
    private static List<V1Condition>? SlimConditions(IList<V1Condition>? conditions)
    {
        var kept = conditions?
            .Where(c => c.Type is ConditionTypes.SpecChangeIgnored or ConditionTypes.Complete or ConditionTypes.Failed)
            .Select(c => c.Type == ConditionTypes.SpecChangeIgnored ? c : new V1Condition { Type = Intern(c.Type), Status = Intern(c.Status), ObservedGeneration = c.ObservedGeneration })
            .ToList();
        return kept is { Count: > 0 } ? kept : null;
    }

    private static Dictionary<string, string>? ScheduleAnnotations(IDictionary<string, string>? annotations)
    {
        if (annotations is null)
        {
            return null;
        }

        var kept = annotations.Where(a => a.Key is V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation or V1alpha1ClusterBackupSchedule.RunNowAnnotation)
            .ToDictionary(a => a.Key, a => a.Value);
        return kept.Count == 0 ? null : kept;
    }

    private static string? Intern(string? value) => value is null ? null : string.Intern(value);
}
