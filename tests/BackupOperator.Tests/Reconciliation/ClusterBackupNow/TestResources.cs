using System.Text;
using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using k8s.Models;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>Resources, statuses, OCP tasks and OCP answers as the tests need them.</summary>
internal static class TestResources
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The OCP the fake connector reaches, recorded with the test intents.</summary>
    public const string OcpEndpoint = "http://ocp.test:80";

    /// <summary>The seed's sample answer to backupNow, verbatim.</summary>
    public const string SeedSampleResponse = """
        {
            "data": {
                "backupObjectOpsResultList": [
                    {
                        "beSuccessful": true,
                        "obBackupObjectList": [
                            {
                                "backupDimension": "CLUSTER",
                                "clusterId": 1000005
                            }
                        ],
                        "taskIdList": [
                            3000041
                        ]
                    }
                ],
                "obBackupTaskType": "DATA_BACKUP_NOW"
            },
            "duration": 51,
            "server": "a83ad33525",
            "status": 200,
            "successful": true,
            "timestamp": "2021-09-07T14:51:41.135+08:00",
            "traceId": "5962f337662d4043"
        }
        """;

    public static V1alpha1ClusterBackupNow Backup(
        long clusterId = 8, string name = "nightly", string ns = "db", string? uid = null, long generation = 1,
        string storageType = OcpValues.StorageFile, ClusterBackupNowStatus? status = null)
    {
        var file = storageType == OcpValues.StorageFile;
        return new V1alpha1ClusterBackupNow
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = uid ?? $"uid-{name}", Generation = generation },
            Spec = new ClusterBackupNowSpec
            {
                ClusterId = clusterId,
                BackupMode = "PHYSICAL_BACKUP",
                DataBackupMode = "FULL_BACKUP",
                ObBackupServiceStorageConfig = new ObBackupServiceStorageConfig
                {
                    AlarmStoragePercentageThreshold = 95,
                    ConfigName = "ycnfs223_0915",
                    ServiceName = "ycfor223",
                    StorageId = 26,
                    ObBackupStorageBaseInfo = new ObBackupStorageBaseInfo
                    {
                        BackupStorageType = storageType,
                        StorageUrl = file ? "/obbackup/" : "oss://bucket/backup",
                        Endpoint = file ? null : "oss-cn-hangzhou.aliyuncs.com",
                        AccessKeySecretRef = file ? null : new AccessKeySecretReference { Name = "oss-key" },
                    },
                },
                OcpConnectionRef = new OcpConnectionReference { Name = "ocp-shared" },
            },
            Status = status,
        };
    }

    /// <summary>An intent written by an earlier process (so this one's journal does not know it).</summary>
    public static ClusterBackupNowStatus Submitting(DateTime attemptStartedAt, int attempts = 0, long generation = 1) =>
        new ClusterBackupNowStatus { ObservedGeneration = generation }
            .SetSubmitting("req-earlier", generation, attemptStartedAt, ocpEndpoint: OcpEndpoint)
            .With(s => s.SubmitAttempts = attempts);

    public static ClusterBackupNowStatus Running(DateTime since, params long[] taskIds) =>
        new ClusterBackupNowStatus { ObservedGeneration = 1 }
            .SetSubmitting("req-earlier", 1, since, ocpEndpoint: OcpEndpoint)
            .SetRunning(taskIds, "OCP accepted the backup", since, 1);

    public static ClusterBackupNowStatus Terminal(string phase, DateTime at)
    {
        var s = Running(at, 3000041);
        return phase == BackupPhase.Succeeded
            ? s.SetSucceeded("backup completed", at, 1)
            : s.SetFailed("TaskFailed", "OCP task 3000041 failed", at, 1);
    }

    public static ClusterBackupNowStatus With(this ClusterBackupNowStatus s, Action<ClusterBackupNowStatus> change)
    {
        change(s);
        return s;
    }

    public static TaskInstance Task(
        long id, string status = "RUNNING", string name = "Backup cluster data", string type = "MANUAL",
        long clusterId = 8, DateTime? created = null, string? failedSubtask = null) => new()
        {
            Id = id,
            Name = name,
            Status = status,
            Type = type,
            Cluster = new NamedRef(clusterId, "obcluster"),
            CreateTime = created is { } c ? new DateTimeOffset(c).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture) : null,
            Subtasks = failedSubtask is null
                ? [new SubtaskInstance { Id = 1, Name = "Prepare", Status = "SUCCESSFUL" }]
                : [new SubtaskInstance { Id = 1, Name = "Prepare", Status = "SUCCESSFUL" }, new SubtaskInstance { Id = 2, Name = failedSubtask, Status = "FAILED" }],
        };

    public static OcpResponse<BackupCommonResponse> Accepted(params long[] taskIds) => new(
        new BackupCommonResponse
        {
            ObBackupTaskType = "DATA_BACKUP_NOW",
            BackupObjectOpsResultList =
            [
                new BackupObjectOpsResult { BeSuccessful = true, TaskIdList = taskIds, ObBackupObjectList = [new BackupObjectDto(8, "CLUSTER")] },
            ],
        },
        true, "trace-accepted", "a83ad33525", "2026-11-24T20:00:00.000+08:00");

    /// <summary>A backupNow answer read by the real client code from JSON, as OCP would send it.</summary>
    public static OcpResponse<BackupCommonResponse> ParseBackupNow(string json) =>
        OcpClient.Interpret("backupNow", 200, Encoding.UTF8.GetBytes(json), OcpJsonContext.Default.OcpEnvelopeBackupCommonResponse);
}

/// <summary>The OCP failures the client reports, as the reconciler receives them.</summary>
internal static class Fail
{
    public static OcpApiException Lost(string op = "backupNow") => new(op, OcpFailureKind.Lost, "no answer within 30 s");

    public static OcpApiException Unreachable(string op = "backupNow") =>
        new(op, OcpFailureKind.Unreachable, "connection failed: Connection refused (ocp.example.com:8080)");

    public static OcpApiException ServerError(string op = "backupNow", int status = 500) =>
        new(op, OcpFailureKind.ServerError, "Internal Server Error", status, "500", "trace-500");

    public static OcpApiException Invalid(string op = "backupNow", int status = 200) =>
        new(op, OcpFailureKind.InvalidResponse, "answer is not an OCP envelope: \"<html>bad gateway\"", status);

    public static OcpApiException Rejected(int status, string message, string? code = null, string op = "backupNow") =>
        new(op, OcpFailureKind.Rejected, message, status, code, "trace-rejected");
}
