using System.Globalization;
using System.Text.Json;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>ClusterBackupSchedules in the test namespace, as a user handles them: create, read, merge-patch, list the children.</summary>
internal static class ScheduleOps
{
    public static V1alpha1ClusterBackupSchedule Nfs(string name, long clusterId, string schedule, string? incremental = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = E2EEnvironment.Namespace },
        Spec = new ClusterBackupScheduleSpec
        {
            Schedule = schedule,
            IncrementalSchedule = incremental,
            BackupTemplate = new BackupTemplate
            {
                Metadata = new BackupTemplateMetadata { Labels = new Dictionary<string, string> { ["team"] = "db" } },
                Spec = JsonSerializer.Deserialize<BackupTemplateSpec>(JsonSerializer.Serialize(Backups.Nfs(name, clusterId).Spec))!,
            },
        },
    };

    public static Task<V1alpha1ClusterBackupSchedule> CreateScheduleAsync(this E2EEnvironment env, V1alpha1ClusterBackupSchedule schedule, CancellationToken ct) =>
        Manifests.CreateScheduleAsync(env.Admin, schedule, E2EEnvironment.Namespace, ct);

    public static async Task<V1alpha1ClusterBackupSchedule> GetScheduleAsync(this E2EEnvironment env, string name, CancellationToken ct)
    {
        var obj = await env.Admin.CustomObjects.GetNamespacedCustomObjectAsync(
            V1alpha1ClusterBackupSchedule.ApiGroup, V1alpha1ClusterBackupSchedule.Version, E2EEnvironment.Namespace, V1alpha1ClusterBackupSchedule.Plural, name, ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterBackupSchedule>(((JsonElement)obj).GetRawText());
    }

    /// <summary>A JSON merge patch of the schedule, as `kubectl patch --type merge` or a Git sync sends.</summary>
    public static async Task PatchScheduleAsync(this E2EEnvironment env, string name, object patch, CancellationToken ct) =>
        await env.Admin.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch),
            V1alpha1ClusterBackupSchedule.ApiGroup, V1alpha1ClusterBackupSchedule.Version, E2EEnvironment.Namespace, V1alpha1ClusterBackupSchedule.Plural, name,
            cancellationToken: ct);

    /// <summary>The ClusterBackupNow resources labelled as this schedule's children (the label's value is shortened beyond 63 characters).</summary>
    public static async Task<IReadOnlyList<V1alpha1ClusterBackupNow>> ChildrenAsync(this E2EEnvironment env, string schedule, CancellationToken ct)
    {
        var list = await env.Admin.CustomObjects.ListNamespacedCustomObjectAsync(
            V1alpha1ClusterBackupNow.ApiGroup, V1alpha1ClusterBackupNow.Version, E2EEnvironment.Namespace, V1alpha1ClusterBackupNow.Plural,
            labelSelector: $"{V1alpha1ClusterBackupSchedule.ScheduleLabel}={ChildNames.LabelValue(schedule)}", cancellationToken: ct);
        return ((JsonElement)list).GetProperty("items").EnumerateArray()
            .Select(i => KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(i.GetRawText())).ToList();
    }

    /// <summary>Waits until the wall clock is <paramref name="before"/> short of the next multiple of <paramref name="period"/> seconds (a slot of '*/period * * * * *').</summary>
    public static async Task JustBeforeSlotAsync(int period, TimeSpan before, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var ms = now.ToUnixTimeMilliseconds();
        var periodMs = period * 1000L;
        var next = (ms / periodMs + 1) * periodMs - (long)before.TotalMilliseconds;
        if (next <= ms)
        {
            next += periodMs;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(next - ms), ct);
    }

    /// <summary>
    /// Stops the operator (SIGKILL) to freeze the schedule's status, suspends the schedule, starts the operator
    /// again with <paramref name="restart"/> and waits (bounded) until every child finished; then counts the slots.
    /// </summary>
    public static async Task<(SlotTally Tally, IReadOnlyList<V1alpha1ClusterBackupNow> Children)> FreezeAndCountAsync(
        this E2EEnvironment env, string name, int period, Func<Task> restart, TimeSpan timeout, CancellationToken ct)
    {
        env.Operator.Kill();
        var frozen = await env.GetScheduleAsync(name, ct);
        await env.PatchScheduleAsync(name, new { spec = new { suspend = true } }, ct);
        await restart();
        var children = await env.FinishedChildrenAsync(name, timeout, ct);
        return (SlotTally.Count(frozen, children, period), children);
    }

    /// <summary>The schedule's children once all of them finished (bounded by <paramref name="timeout"/>).</summary>
    public static async Task<IReadOnlyList<V1alpha1ClusterBackupNow>> FinishedChildrenAsync(this E2EEnvironment env, string schedule, TimeSpan timeout, CancellationToken ct)
    {
        IReadOnlyList<V1alpha1ClusterBackupNow> children = [];
        await env.UntilAsync(async () =>
        {
            children = await env.ChildrenAsync(schedule, ct);
            return children.All(c => BackupPhase.IsTerminal(c.Status?.Phase));
        }, timeout, $"all children of {schedule} finished", ct);
        return children;
    }

    /// <summary>The slot a child carries in its scheduled-at annotation.</summary>
    public static DateTimeOffset? SlotOf(V1alpha1ClusterBackupNow child) =>
        child.Metadata.Annotations?.TryGetValue(V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation, out var at) == true
            ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
}
