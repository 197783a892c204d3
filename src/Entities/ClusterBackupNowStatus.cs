using System.Text.Json.Serialization;
using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>
/// A flat record of the external job. OCP's own values (task ids, traceId, server, timestamp)
/// are kept apart from the operator's bookkeeping (requestId, attempt times).
/// </summary>
public sealed class ClusterBackupNowStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>A CamelCase word for machines (ClusterBusy, OcpRejected, ...).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    // --- the operator's bookkeeping ---

    /// <summary>Written before the POST: the proof that a submission may have happened.</summary>
    [JsonPropertyName("requestId")]
    public string? RequestId { get; set; }

    /// <summary>When the current submission attempt was recorded (operator clock), the lower bound for adoption.</summary>
    [JsonPropertyName("attemptStartedAt")]
    public DateTime? AttemptStartedAt { get; set; }

    [JsonPropertyName("submitAttempts")]
    public int? SubmitAttempts { get; set; }

    /// <summary>The metadata.generation whose spec was submitted; later edits are ignored.</summary>
    [JsonPropertyName("submittedGeneration")]
    public long? SubmittedGeneration { get; set; }

    /// <summary>
    /// The spec as it was when the intent was recorded. From the intent on, every step (task lookup,
    /// a later POST, the per-cluster serialization) uses it, never the current spec.
    /// </summary>
    [JsonPropertyName("submittedSpec")]
    public ClusterBackupNowSpec? SubmittedSpec { get; set; }

    /// <summary>
    /// OCP's newest task id for the cluster, read just before the intent was recorded: only a task
    /// above it can have been created by this backup's POST, so only such a task is ever adopted.
    /// 0 when the cluster had no task.
    /// </summary>
    [JsonPropertyName("taskHighWaterMark")]
    public long? TaskHighWaterMark { get; set; }

    /// <summary>
    /// OCP's task ids of the cluster within Backup:TaskIdReorderWindow below the high-water mark,
    /// read with it. OCP's ids may go backwards a little (an auto-increment over several servers):
    /// a task in that window that is not listed here was created after the intent, so it may be
    /// this backup's. Null for an intent written before it was recorded (only ids above the mark qualify).
    /// </summary>
    [JsonPropertyName("recentTaskIds")]
    public List<long>? RecentTaskIds { get; set; }

    /// <summary>
    /// The OCP this backup is about, recorded with the intent: its connection's base URL, normalised
    /// (scheme, lower-case host, port, path without a trailing slash), never credentials. A cluster is
    /// (this, clusterId): every later step (task lookup, adoption, follow, a later POST) goes to this
    /// OCP, whatever the Secret's or connection's url says later.
    /// </summary>
    [JsonPropertyName("ocpEndpoint")]
    public string? OcpEndpoint { get; set; }

    /// <summary>
    /// The uid of the ClusterOcpConnection the intent was recorded through (none for a namespace's own
    /// Secret): a connection deleted and re-created under the same name is another grant, and no POST
    /// goes through it for this backup.
    /// </summary>
    [JsonPropertyName("ocpConnectionUid")]
    public string? OcpConnectionUid { get; set; }

    /// <summary>When OCP accepted the backup, or when its task was adopted (operator clock).</summary>
    [JsonPropertyName("submittedAt")]
    public DateTime? SubmittedAt { get; set; }

    [JsonPropertyName("completedAt")]
    public DateTime? CompletedAt { get; set; }

    /// <summary>True when the task was found in OCP after the POST's answer was lost.</summary>
    [JsonPropertyName("adopted")]
    public bool? Adopted { get; set; }

    /// <summary>Since when OCP has not answered; cleared on the next answer.</summary>
    [JsonPropertyName("unreachableSince")]
    public DateTime? UnreachableSince { get; set; }

    // --- OCP's answer to backupNow ---

    /// <summary>OCP's verdict on the submission: envelope successful and every object beSuccessful.</summary>
    [JsonPropertyName("successful")]
    public bool? Successful { get; set; }

    [JsonPropertyName("obBackupTaskType")]
    public string? ObBackupTaskType { get; set; }

    [JsonPropertyName("taskIds")]
    public IList<long>? TaskIds { get; set; }

    [JsonPropertyName("results")]
    public IList<BackupObjectResult>? Results { get; set; }

    [JsonPropertyName("traceId")]
    public string? TraceId { get; set; }

    [JsonPropertyName("server")]
    public string? Server { get; set; }

    /// <summary>OCP's own timestamp of its answer, as OCP wrote it (with its offset).</summary>
    [JsonPropertyName("ocpTimestamp")]
    public string? OcpTimestamp { get; set; }

    // --- OCP's tasks ---

    [JsonPropertyName("tasks")]
    public IList<OcpTaskState>? Tasks { get; set; }

    [JsonIgnore]
    public bool IsDone => BackupPhase.IsTerminal(Phase);
}

public sealed class BackupObjectResult
{
    [JsonPropertyName("obBackupObjectList")]
    public IList<BackupObjectRef>? ObBackupObjectList { get; set; }

    [JsonPropertyName("beSuccessful")]
    public bool? BeSuccessful { get; set; }

    [JsonPropertyName("taskIdList")]
    public IList<long>? TaskIdList { get; set; }

    /// <summary>OCP types errorCode as Object: kept as the text of whatever JSON came.</summary>
    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("hint")]
    public string? Hint { get; set; }
}

public sealed class BackupObjectRef
{
    [JsonPropertyName("clusterId")]
    public long? ClusterId { get; set; }

    [JsonPropertyName("tenantId")]
    public long? TenantId { get; set; }

    [JsonPropertyName("backupDimension")]
    public string? BackupDimension { get; set; }
}

public sealed class OcpTaskState
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>RUNNING, FAILED, SUCCESSFUL, or whatever else OCP said, kept as text.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("failedSubtask")]
    public string? FailedSubtask { get; set; }

    [JsonPropertyName("createTime")]
    public string? CreateTime { get; set; }

    [JsonPropertyName("startTime")]
    public string? StartTime { get; set; }

    [JsonPropertyName("finishTime")]
    public string? FinishTime { get; set; }
}
