using System.Globalization;
using System.Security.Cryptography;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>Backups of a schedule run by hand: a copy of its template (`--from-schedule`), or a run-now token the operator serves.</summary>
public static class ScheduleRun
{
    /// <summary>On every backup the plugin makes from a schedule's template.</summary>
    public const string CreatedByAnnotation = "ocp.oceanbase.com/created-by";

    public const string CreatedByValue = "kubectl-ocp";

    /// <summary>The schedule a `--from-schedule` backup was copied from (a record only: the schedule does not own it).</summary>
    public const string FromScheduleAnnotation = "ocp.oceanbase.com/from-schedule";

    /// <summary>
    /// Like `kubectl create job --from=cronjob/X`: the template's labels, annotations and spec, FULL
    /// unless <paramref name="incremental"/>. Neither the schedule label nor an owner reference: the
    /// schedule's history limits never prune it and deleting the schedule leaves it.
    /// </summary>
    public static V1alpha1ClusterBackupNow FromSchedule(V1alpha1ClusterBackupSchedule schedule, string name, bool incremental)
    {
        var template = schedule.Spec.BackupTemplate;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>());
        labels.Remove(V1alpha1ClusterBackupSchedule.ScheduleLabel);
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            [CreatedByAnnotation] = CreatedByValue,
            [FromScheduleAnnotation] = schedule.Metadata.Name,
        };
        return new V1alpha1ClusterBackupNow
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = schedule.Metadata.NamespaceProperty,
                Labels = labels.Count == 0 ? null : labels,
                Annotations = annotations,
            },
            Spec = template.Spec.ToBackupNowSpec(incremental ? OcpValues.IncrementalBackup : OcpValues.FullBackup),
        };
    }

    /// <summary>A fresh run-now token: <c>kubectl-ocp-&lt;UTC yyyyMMddHHmmss&gt;-&lt;4 random hex&gt;</c>.</summary>
    public static string NewToken(DateTimeOffset now) =>
        $"kubectl-ocp-{now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";

    /// <summary>The backup the operator creates for <paramref name="token"/>: the same function it uses.</summary>
    public static string ChildFor(string schedule, string token) => ChildNames.ForRunNow(schedule, token);
}
