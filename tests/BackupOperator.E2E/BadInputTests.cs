using System.Net;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s.Autorest;

namespace BackupOperator.E2E;

/// <summary>The bad-input catalogue (docs/bad-input.md): refused at apply naming the field, or Failed with the reason in status and an event.</summary>
[Collection(E2ECollection.Name)]
public sealed class BadInputTests(E2EEnvironment env)
{
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    public static TheoryData<string, string> RefusedAtApply => new()
    {
        { "dataBackupMode", "spec.dataBackupMode" },
        { "missingStorage", "spec.obBackupServiceStorageConfig" },
        { "missingStorageUrl", "storageUrl" },
        { "storageType", "backupStorageType" },
        { "longConfigName", "configName" },
        { "negativeStorageId", "storageId" },
        { "emptySecretName", "ocpSecretRef.name" },
        { "dimension", "backupDimension" },
    };

    [Theory]
    [MemberData(nameof(RefusedAtApply))]
    public async Task Refused_by_the_api_server_with_the_field_named(string mistake, string field)
    {
        var ct = TestTimeout.Token();
        var b = Backups.Nfs($"bad-{mistake.ToLowerInvariant()}", 701);
        var storage = b.Spec.ObBackupServiceStorageConfig!;
        switch (mistake)
        {
            case "dataBackupMode": b.Spec.DataBackupMode = "DIFFERENTIAL"; break;
            case "missingStorage": b.Spec.ObBackupServiceStorageConfig = null; break;
            case "missingStorageUrl": storage.ObBackupStorageBaseInfo!.StorageUrl = null; break;
            case "storageType": storage.ObBackupStorageBaseInfo!.BackupStorageType = "BACKUP_STORAGE_FTP"; break;
            case "longConfigName": storage.ConfigName = new string('n', 129); break;
            case "negativeStorageId": storage.StorageId = -3; break;
            case "emptySecretName": b.Spec.OcpSecretRef!.Name = ""; break;
            case "dimension": b.Spec.ObBackupObject = new ObBackupObject { BackupDimension = "DATABASE" }; break;
        }

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => env.CreateBackupAsync(b, ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.Contains(field, e.Response.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clusterMismatch", "obBackupObject.clusterId")]
    [InlineData("tenant", "TENANT")]
    [InlineData("ossWithoutKey", "accessKeySecretRef")]
    public async Task Accepted_by_the_api_server_but_failed_by_the_operator_with_reason_and_event(string mistake, string words)
    {
        var ct = TestTimeout.Token();
        var name = $"invalid-{mistake.ToLowerInvariant()}";
        var b = Backups.Nfs(name, 702);
        switch (mistake)
        {
            case "clusterMismatch": b.Spec.ObBackupObject = new ObBackupObject { ClusterId = 9, BackupDimension = "CLUSTER" }; break;
            case "tenant": b.Spec.ObBackupObject = new ObBackupObject { BackupDimension = "TENANT" }; break;
            case "ossWithoutKey": b.Spec.ObBackupServiceStorageConfig!.ObBackupStorageBaseInfo!.BackupStorageType = "BACKUP_STORAGE_OSS"; break;
        }

        await env.CreateBackupAsync(b, ct);
        var done = await env.WaitForPhaseAsync(name, Terminal, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(BackupPhase.Failed, done.Status!.Phase);
        Assert.Equal("InvalidSpec", done.Status.Reason);
        Assert.Contains(words, done.Status.Message, StringComparison.Ordinal);
        await env.WaitForEventAsync(name, ev => ev.Reason == "InvalidSpec" && ev.Type == "Warning", ct);
        Assert.Equal(0, await env.Simulator.PostsAsync(702, ct));
    }

    [Fact]
    public async Task Unicode_names_travel_to_ocp_verbatim()
    {
        var ct = TestTimeout.Token();
        var b = Backups.Nfs("unicode-1", 703);
        b.Spec.ObBackupServiceStorageConfig!.ConfigName = "备份-nfs-主 ✓";
        await env.CreateBackupAsync(b, ct);
        var done = await env.WaitForPhaseAsync("unicode-1", Terminal, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        var sent = await env.Simulator.LastRequestAsync(703, ct);
        Assert.Equal("备份-nfs-主 ✓", sent!["obBackupServiceStorageConfig"]!["configName"]!.GetValue<string>());
    }
}
