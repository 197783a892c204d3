using System.Globalization;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.Reconciliation;
using k8s;

namespace BackupOperator.Operator.Kubernetes;

public interface IEventRecorder
{
    /// <summary>Best effort: an event that cannot be written is logged, never fails a reconcile.</summary>
    Task RecordAsync(V1alpha1ClusterBackupNow resource, BackupEvent backupEvent, CancellationToken cancellationToken);
}

/// <summary>events.k8s.io/v1 Events on the resource, so `kubectl describe` tells the story.</summary>
public sealed class EventRecorder(IKubernetes client, TimeProvider time, OperatorIdentity identity, ILogger<EventRecorder> logger)
    : IEventRecorder
{
    public const string ReportingController = "ocp.oceanbase.com/backup-operator";
    private const int MaxNoteLength = 1024;

    public async Task RecordAsync(V1alpha1ClusterBackupNow resource, BackupEvent backupEvent, CancellationToken cancellationToken)
    {
        var body = Build(resource, backupEvent, time.GetUtcNow(), identity.Name);
        try
        {
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                body, "events.k8s.io", "v1", resource.Metadata.NamespaceProperty, "events", cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.EventNotRecorded(logger, resource.Metadata.NamespaceProperty, resource.Metadata.Name, backupEvent.Reason, e.Message);
        }
    }

    internal static JsonObject Build(V1alpha1ClusterBackupNow resource, BackupEvent e, DateTimeOffset now, string instance)
    {
        var note = e.Note.Length > MaxNoteLength ? e.Note[..(MaxNoteLength - 1)] + "…" : e.Note;
        return new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                // client-go's convention: the object's name and a unique hex suffix.
                ["name"] = $"{resource.Metadata.Name}.{now.UtcTicks:x}{Random.Shared.Next(0x10000):x4}",
                ["namespace"] = resource.Metadata.NamespaceProperty,
            },
            ["eventTime"] = MicroTime(now),
            ["reportingController"] = ReportingController,
            ["reportingInstance"] = instance,
            ["action"] = e.Reason,
            ["reason"] = e.Reason,
            ["note"] = note,
            ["type"] = e.Warning ? "Warning" : "Normal",
            ["regarding"] = new JsonObject
            {
                ["apiVersion"] = resource.ApiVersion,
                ["kind"] = resource.Kind,
                ["name"] = resource.Metadata.Name,
                ["namespace"] = resource.Metadata.NamespaceProperty,
                ["uid"] = resource.Metadata.Uid,
                ["resourceVersion"] = resource.Metadata.ResourceVersion,
            },
        };
    }

    /// <summary>The API server parses MicroTime only with exactly six fraction digits, also for a whole second.</summary>
    internal static string MicroTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Who this replica is: for events and the leader-election Lease.</summary>
public sealed record OperatorIdentity(string Name);
