using BackupOperator.Entities;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>A spec OCP would refuse fails at once, naming the field, without a word to OCP.</summary>
public sealed class SpecValidationTests
{
    private static readonly Dictionary<string, Action<ClusterBackupNowSpec>> Breakages = new()
    {
        ["clusterId 0"] = s => s.ClusterId = 0,
        ["clusterId negative"] = s => s.ClusterId = -3,
        ["backupMode unknown"] = s => s.BackupMode = "FAST_BACKUP",
        ["backupMode missing"] = s => s.BackupMode = null,
        ["dataBackupMode unknown"] = s => s.DataBackupMode = "DIFFERENTIAL",
        ["dimension unknown"] = s => s.ObBackupObject = new ObBackupObject { BackupDimension = "DATABASE" },
        ["dimension TENANT"] = s => s.ObBackupObject = new ObBackupObject { BackupDimension = "TENANT" },
        ["object clusterId mismatch"] = s => s.ObBackupObject = new ObBackupObject { ClusterId = 9, BackupDimension = "CLUSTER" },
        ["storage missing"] = s => s.ObBackupServiceStorageConfig = null,
        ["storage base info missing"] = s => s.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo = null,
        ["storage type unknown"] = s => Info(s).BackupStorageType = "BACKUP_STORAGE_NAS",
        ["storage url empty"] = s => Info(s).StorageUrl = " ",
        ["threshold 0"] = s => s.ObBackupServiceStorageConfig!.AlarmStoragePercentageThreshold = 0,
        ["threshold 101"] = s => s.ObBackupServiceStorageConfig!.AlarmStoragePercentageThreshold = 101,
        ["storageId 0"] = s => s.ObBackupServiceStorageConfig!.StorageId = 0,
        ["configName too long"] = s => s.ObBackupServiceStorageConfig!.ConfigName = new string('c', 129),
        ["serviceName too long"] = s => s.ObBackupServiceStorageConfig!.ServiceName = new string('s', 129),
        ["OSS without key"] = s => Info(s).BackupStorageType = "BACKUP_STORAGE_OSS",
        ["ocpSecretRef empty"] = s => (s.OcpSecretRef, s.OcpConnectionRef) = (new LocalSecretReference { Name = "" }, null),
        ["ocpConnectionRef empty"] = s => s.OcpConnectionRef = new OcpConnectionReference { Name = " " },
        ["both connections"] = s => s.OcpSecretRef = new LocalSecretReference { Name = "ocp" },
        ["no connection"] = s => s.OcpConnectionRef = null,
        ["ocpSecretRef .."] = s => (s.OcpSecretRef, s.OcpConnectionRef) = (new LocalSecretReference { Name = ".." }, null),
        ["ocpSecretRef a/b"] = s => (s.OcpSecretRef, s.OcpConnectionRef) = (new LocalSecretReference { Name = "a/b" }, null),
        ["ocpConnectionRef ."] = s => s.OcpConnectionRef = new OcpConnectionReference { Name = "." },
        ["ocpConnectionRef upper case"] = s => s.OcpConnectionRef = new OcpConnectionReference { Name = "Main" },
        ["ocpConnectionRef 254 characters"] = s => s.OcpConnectionRef = new OcpConnectionReference { Name = new string('c', 254) },
        ["accessKeySecretRef .."] = s => (Info(s).BackupStorageType, Info(s).AccessKeySecretRef) = ("BACKUP_STORAGE_S3", new AccessKeySecretReference { Name = ".." }),
        ["accessKeySecretRef with a query"] = s => Info(s).AccessKeySecretRef = new AccessKeySecretReference { Name = "keys?watch=true" },
    };

    [Theory]
    [InlineData("clusterId 0", "spec.clusterId must be at least 1 (got 0)")]
    [InlineData("clusterId negative", "spec.clusterId must be at least 1 (got -3)")]
    [InlineData("backupMode unknown", "spec.backupMode \"FAST_BACKUP\" is not one of LOGICAL_BACKUP, PHYSICAL_BACKUP")]
    [InlineData("backupMode missing", "spec.backupMode is required")]
    [InlineData("dataBackupMode unknown", "spec.dataBackupMode \"DIFFERENTIAL\"")]
    [InlineData("dimension unknown", "spec.obBackupObject.backupDimension \"DATABASE\"")]
    [InlineData("dimension TENANT", "spec.obBackupObject.backupDimension TENANT is documented by OCP as unsupported")]
    [InlineData("object clusterId mismatch", "spec.obBackupObject.clusterId (9) differs from spec.clusterId (8)")]
    [InlineData("storage missing", "spec.obBackupServiceStorageConfig is required")]
    [InlineData("storage base info missing", "spec.obBackupServiceStorageConfig.obBackupStorageBaseInfo is required")]
    [InlineData("storage type unknown", "obBackupStorageBaseInfo.backupStorageType \"BACKUP_STORAGE_NAS\"")]
    [InlineData("storage url empty", "obBackupStorageBaseInfo.storageUrl is required")]
    [InlineData("threshold 0", "alarmStoragePercentageThreshold must be 1..100 (got 0)")]
    [InlineData("threshold 101", "alarmStoragePercentageThreshold must be 1..100 (got 101)")]
    [InlineData("storageId 0", "spec.obBackupServiceStorageConfig.storageId must be at least 1")]
    [InlineData("configName too long", "spec.obBackupServiceStorageConfig.configName is longer than 128 characters")]
    [InlineData("serviceName too long", "spec.obBackupServiceStorageConfig.serviceName is longer than 128 characters")]
    [InlineData("OSS without key", "accessKeySecretRef.name is required for BACKUP_STORAGE_OSS")]
    [InlineData("ocpSecretRef empty", "spec.ocpSecretRef.name must not be empty")]
    [InlineData("ocpConnectionRef empty", "spec.ocpConnectionRef.name must not be empty")]
    [InlineData("both connections", "exactly one of spec.ocpSecretRef and spec.ocpConnectionRef must be set: both are")]
    [InlineData("no connection", "exactly one of spec.ocpSecretRef and spec.ocpConnectionRef must be set: neither is")]
    [InlineData("ocpSecretRef ..", "spec.ocpSecretRef.name \"..\" is not a valid object name")]
    [InlineData("ocpSecretRef a/b", "spec.ocpSecretRef.name \"a/b\" is not a valid object name")]
    [InlineData("ocpConnectionRef .", "spec.ocpConnectionRef.name \".\" is not a valid object name")]
    [InlineData("ocpConnectionRef upper case", "spec.ocpConnectionRef.name \"Main\" is not a valid object name")]
    [InlineData("ocpConnectionRef 254 characters", "spec.ocpConnectionRef.name \"cccc")]
    [InlineData("accessKeySecretRef ..", "obBackupStorageBaseInfo.accessKeySecretRef.name \"..\" is not a valid object name")]
    [InlineData("accessKeySecretRef with a query", "obBackupStorageBaseInfo.accessKeySecretRef.name \"keys?watch=true\" is not a valid object name")]
    public async Task Invalid_spec_fails_naming_the_field_with_a_warning_and_no_ocp_call(string breakage, string expected)
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        Breakages[breakage](backup.Spec);

        var d = await h.ReconcileAsync(backup);

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("InvalidSpec", d.Status.Reason);
        Assert.Contains(expected, d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.RequestId);
        Assert.Null(d.RequeueAfter);
        var e = Assert.Single(d.Events);
        Assert.True(e.Warning);
        Assert.Equal("InvalidSpec", e.Reason);
        Assert.Contains(expected, e.Note, StringComparison.Ordinal);
        Assert.Equal(0, h.Connector.Calls);
        Assert.Equal(0, h.Ocp.Calls);
    }

    public static TheoryData<string> AllBreakages => [.. Breakages.Keys];

    [Theory]
    [MemberData(nameof(AllBreakages))]
    public async Task A_recorded_submitted_spec_the_spec_would_refuse_sends_nothing_and_reads_no_secret(string breakage)
    {
        // status.submittedSpec is schema-less in the CRD: the API server takes whatever a status writer puts
        // there (an admin's patch, another operator version). Acted on, it would be sent or read unchecked.
        var h = new Harness();
        var backup = TestResources.Backup(status: TestResources.Submitting(h.Now, attempts: 1));
        var submitted = TestResources.Backup().Spec;
        Breakages[breakage](submitted);
        backup.Status!.SubmittedSpec = submitted;

        var d = await h.ReconcileAsync(backup);

        Assert.Equal(0, h.Ocp.Calls);
        Assert.Equal(0, h.Connector.Calls + h.Connector.Authorizations);
        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("InvalidSubmittedSpec", d.Status.Reason);
        Assert.Contains("check OCP", d.Status.Message, StringComparison.Ordinal);
        Assert.Contains(d.Events, e => e.Warning && e.Reason == "InvalidSubmittedSpec");
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once()
    {
        var backup = TestResources.Backup(clusterId: 0);
        backup.Spec.BackupMode = "FAST_BACKUP";

        var d = await new Harness().ReconcileAsync(backup);

        Assert.Contains("spec.clusterId", d.Status!.Message, StringComparison.Ordinal);
        Assert.Contains("spec.backupMode", d.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_at_the_limits_are_accepted()
    {
        var backup = TestResources.Backup(storageType: "BACKUP_STORAGE_S3");
        backup.Spec.ObBackupServiceStorageConfig!.AlarmStoragePercentageThreshold = 100;
        backup.Spec.ObBackupServiceStorageConfig.ConfigName = new string('c', 128);
        backup.Spec.ObBackupObject = new ObBackupObject { ClusterId = 8, BackupDimension = "CLUSTER" };
        backup.Spec.BackupMode = "LOGICAL_BACKUP";

        var d = await new Harness().ReconcileAsync(backup);

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
    }

    private static ObBackupStorageBaseInfo Info(ClusterBackupNowSpec s) => s.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!;
}
