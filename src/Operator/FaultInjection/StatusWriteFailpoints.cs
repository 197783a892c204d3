using System.Diagnostics;
using System.Globalization;
using BackupOperator.Entities;

namespace BackupOperator.Operator.FaultInjection;

/// <summary>The failpoints around the controller's status write, told apart by what the write records.</summary>
public static class StatusWriteFailpoints
{
    /// <summary>Before the write of <paramref name="next"/> over <paramref name="resource"/>'s status.</summary>
    [Conditional("FAILPOINTS")]
    public static void BeforeStatusWrite(this Failpoints failpoints, V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus next)
    {
        if (Before(resource.Status, next) is { } name)
        {
            failpoints.Hit(name, resource.Spec.ClusterId, Subject(resource));
        }
    }

    /// <summary>After the API server stored <paramref name="written"/> over <paramref name="resource"/>'s status.</summary>
    [Conditional("FAILPOINTS")]
    public static void AfterStatusWrite(this Failpoints failpoints, V1alpha1ClusterBackupNow resource, ClusterBackupNowStatus written)
    {
        if (After(resource.Status, written) is { } name)
        {
            failpoints.Hit(name, resource.Spec.ClusterId, Subject(resource));
        }
    }

    internal static string? Before(ClusterBackupNowStatus? previous, ClusterBackupNowStatus next) =>
        RecordsTasks(previous, next) ? FailpointNames.AfterAnswerBeforeStatusWrite : null;

    internal static string? After(ClusterBackupNowStatus? previous, ClusterBackupNowStatus written)
    {
        if (RecordsTasks(previous, written))
        {
            return FailpointNames.AfterStatusWriteRunning;
        }

        return written.RequestId is not null && written.RequestId != previous?.RequestId ? FailpointNames.AfterIntentWrite : null;
    }

    // OCP's task ids recorded for the first time: the answer (or an adopted task) is in this write.
    private static bool RecordsTasks(ClusterBackupNowStatus? previous, ClusterBackupNowStatus next) =>
        next.TaskIds is { Count: > 0 } && previous?.TaskIds is not { Count: > 0 };

    private static string Subject(V1alpha1ClusterBackupNow resource) =>
        $"{resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} (cluster {resource.Spec.ClusterId.ToString(CultureInfo.InvariantCulture)})";
}
