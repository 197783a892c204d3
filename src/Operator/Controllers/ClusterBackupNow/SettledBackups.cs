using System.Globalization;
using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;
using k8s.Models;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// A finished backup with nothing left to decide (terminal, its generation observed, no spec change
/// pending, its Complete or Failed condition written) is kept in the cache as a <see cref="SettledBackup"/>:
/// what its reconcile and its schedule read (phase, generations, times, TTL, OCP and cluster, task ids, which
/// conditions are True, its owner and slot) in one small record, and nothing of its task states,
/// results, storage config or condition texts, which stay in the API server. So the operator's memory
/// grows with active backups, not with history. The cache reads it back as a
/// <see cref="SettledBackupView"/>, which is never the base of a status write:
/// <see cref="ClusterBackupNowController"/> reads the whole object first if a decision on one ever wants to write.
/// </summary>
public static class SettledBackups
{
    /// <summary>Whether the object is a partial view read from the cache's compact form.</summary>
    public static bool IsPartial(V1alpha1ClusterBackupNow resource) => resource is SettledBackupView;

    public static bool IsSettled(V1alpha1ClusterBackupNow resource) =>
        resource.Status is { IsDone: true, ObservedGeneration: { } observed } status
        && observed == resource.Metadata.Generation
        && resource.Metadata.DeletionTimestamp is null
        && (status.SubmittedGeneration is null || status.SubmittedGeneration == resource.Metadata.Generation
            || status.IsConditionTrue(ConditionTypes.SpecChangeIgnored))
        && status.HasOutcomeConditions();

    /// <summary>The compact form of a settled backup; null for any other object, which the cache keeps whole.</summary>
    public static CompactForm<V1alpha1ClusterBackupNow>? Compact(V1alpha1ClusterBackupNow resource) =>
        IsSettled(resource) && !IsPartial(resource) ? SettledBackup.Of(resource) : null;

    /// <summary>What the cache gives back for <paramref name="resource"/>: its partial view when settled, else the object itself.</summary>
    public static V1alpha1ClusterBackupNow AsCached(V1alpha1ClusterBackupNow resource) => Compact(resource)?.Expand() ?? resource;
}

/// <summary>A settled backup as the cache reads it back: partial, never the base of a write.</summary>
public sealed class SettledBackupView : V1alpha1ClusterBackupNow;

/// <summary>
/// The least the operator needs of a settled backup, about 300 bytes where the object it replaces
/// took about 1.3 KB even slimmed: the uid and resourceVersion as numbers, the strings every backup shares
/// interned, the outcome conditions without their texts.
/// </summary>
public sealed class SettledBackup : CompactForm<V1alpha1ClusterBackupNow>
{
    private readonly string? _name;
    private readonly string? _namespace;
    private readonly Guid _uid;
    private readonly string? _uidText; // a uid that is not a UUID (never from an API server), kept as it is
    private readonly long? _resourceVersion;
    private readonly long? _generation;
    private readonly DateTime? _created;
    private readonly IList<V1OwnerReference>? _owners;
    private readonly string? _scheduledAt;
    private readonly string? _runNow;
    private readonly long _clusterId;
    private readonly int? _ttlSecondsAfterFinished;
    private readonly string? _dataBackupMode;
    private readonly long? _submittedClusterId;
    private readonly string? _ocpEndpoint;
    private readonly string? _phase;
    private readonly string? _reason;
    private readonly long? _observedGeneration;
    private readonly long? _submittedGeneration;
    private readonly long[]? _taskIds;
    private readonly DateTime? _completedAt;
    private readonly bool? _successful;
    private readonly KeptCondition[]? _conditions;

    private SettledBackup(V1alpha1ClusterBackupNow resource, long? resourceVersion)
    {
        var m = resource.Metadata;
        var s = resource.Status!;
        _name = m.Name;
        _namespace = Intern(m.NamespaceProperty);
        if (Guid.TryParseExact(m.Uid, "D", out var uid) && uid != Guid.Empty && uid.ToString("D") == m.Uid)
        {
            _uid = uid;
        }
        else
        {
            _uidText = m.Uid;
        }

        _resourceVersion = resourceVersion;
        _generation = m.Generation;
        _created = m.CreationTimestamp;
        // No labels: nothing in the operator selects cached backups by label (a schedule finds its children by owner).
        // What a schedule reads of its children: who owns it, and its slot or run-now token.
        _owners = m.OwnerReferences;
        _scheduledAt = m.Annotations?.TryGetValue(V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation, out var at) == true ? at : null;
        _runNow = m.Annotations?.TryGetValue(V1alpha1ClusterBackupSchedule.RunNowAnnotation, out var token) == true ? token : null;
        _clusterId = resource.Spec.ClusterId;
        _ttlSecondsAfterFinished = resource.Spec.TtlSecondsAfterFinished;
        _dataBackupMode = Intern(resource.Spec.DataBackupMode);
        // The cluster it was about and the tasks it recorded: never adopted by a later backup of that cluster.
        _submittedClusterId = s.SubmittedSpec?.ClusterId;
        // Which OCP those task ids are of: another OCP numbers its tasks alike.
        _ocpEndpoint = Intern(s.OcpEndpoint);
        _phase = Intern(s.Phase);
        _reason = Intern(s.Reason);
        _observedGeneration = s.ObservedGeneration;
        _submittedGeneration = s.SubmittedGeneration;
        _taskIds = s.TaskIds is { Count: > 0 } ids ? [.. ids] : null;
        _completedAt = s.CompletedAt;
        _successful = s.Successful;
        _conditions = KeptCondition.Of(s.Conditions);
    }

    /// <summary>The namespace and name of the backup this was made of.</summary>
    public NamespacedName Key => new(_namespace ?? string.Empty, _name ?? string.Empty);

    /// <summary>The OCP tasks it recorded: never adopted by another backup of its cluster.</summary>
    public IReadOnlyList<long> TaskIds => _taskIds ?? [];

    public override string? Uid => _uidText ?? (_uid == Guid.Empty ? null : _uid.ToString("D"));

    public override string? ResourceVersion => _resourceVersion?.ToString(CultureInfo.InvariantCulture);

    /// <summary>The compact form, or null when the resourceVersion is not etcd's integer (it would not read back exactly).</summary>
    public static SettledBackup? Of(V1alpha1ClusterBackupNow resource)
    {
        if (resource.Metadata.ResourceVersion is not { } text)
        {
            return new SettledBackup(resource, null);
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && version.ToString(CultureInfo.InvariantCulture) == text
                ? new SettledBackup(resource, version)
                : null;
    }

    public override V1alpha1ClusterBackupNow Expand()
    {
        Dictionary<string, string>? annotations = null;
        if (_scheduledAt is not null)
        {
            annotations = new() { [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = _scheduledAt };
        }

        if (_runNow is not null)
        {
            (annotations ??= [])[V1alpha1ClusterBackupSchedule.RunNowAnnotation] = _runNow;
        }

        return new SettledBackupView
        {
            Metadata = new V1ObjectMeta
            {
                Name = _name,
                NamespaceProperty = _namespace,
                Uid = Uid,
                ResourceVersion = ResourceVersion,
                Generation = _generation,
                CreationTimestamp = _created,
                OwnerReferences = _owners?.Select(Copy).ToList(),
                Annotations = annotations,
            },
            Spec = new ClusterBackupNowSpec
            {
                ClusterId = _clusterId,
                TtlSecondsAfterFinished = _ttlSecondsAfterFinished,
                DataBackupMode = _dataBackupMode,
            },
            Status = new ClusterBackupNowStatus
            {
                Phase = _phase,
                Reason = _reason,
                ObservedGeneration = _observedGeneration,
                SubmittedGeneration = _submittedGeneration,
                SubmittedSpec = _submittedClusterId is { } cluster ? new ClusterBackupNowSpec { ClusterId = cluster } : null,
                TaskIds = _taskIds is null ? null : [.. _taskIds],
                OcpEndpoint = _ocpEndpoint,
                CompletedAt = _completedAt,
                Successful = _successful,
                Conditions = _conditions?.Select(c => c.Expand()).ToList(),
            },
        };
    }

    private static V1OwnerReference Copy(V1OwnerReference r) => new()
    {
        ApiVersion = r.ApiVersion,
        Kind = r.Kind,
        Name = r.Name,
        Uid = r.Uid,
        Controller = r.Controller,
        BlockOwnerDeletion = r.BlockOwnerDeletion,
    };

    private static string? Intern(string? value) => value is null ? null : string.Intern(value);

    /// <summary>
    /// SpecChangeIgnored as it is (the reconciler notes an edit once); Complete and Failed without their texts
    /// (the reconciler checks that they match the phase and the generation). In their order.
    /// </summary>
    private readonly record struct KeptCondition(string Type, string Status, long? ObservedGeneration, V1Condition? Whole)
    {
        public static KeptCondition[]? Of(IList<V1Condition>? conditions)
        {
            var kept = conditions?
                .Where(c => c.Type is ConditionTypes.SpecChangeIgnored or ConditionTypes.Complete or ConditionTypes.Failed)
                .Select(c => c.Type == ConditionTypes.SpecChangeIgnored
                    ? new KeptCondition(c.Type, c.Status, c.ObservedGeneration, c)
                    : new KeptCondition(Intern(c.Type)!, Intern(c.Status)!, c.ObservedGeneration, null))
                .ToArray();
            return kept is { Length: > 0 } ? kept : null;
        }

        public V1Condition Expand() => Whole is { } whole
            ? Conditions.Copy(whole)
            : new V1Condition { Type = Type, Status = Status, ObservedGeneration = ObservedGeneration };
    }
}
