using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Backups;
using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.Tests.KubectlPlugin.Backups;

public sealed class BackupManifestTests
{
    private const string Yaml = """
        apiVersion: ocp.oceanbase.com/v1alpha1
        kind: ClusterBackupNow
        metadata:
          name: nightly-1
          namespace: db
          labels: {team: db}
        spec:
          clusterId: 8
          backupMode: PHYSICAL_BACKUP
          dataBackupMode: FULL_BACKUP
          ocpSecretRef: {name: ocp-credentials}
          obBackupServiceStorageConfig:
            obBackupStorageBaseInfo: {backupStorageType: BACKUP_STORAGE_FILE, storageUrl: /obbackup/}
        """;

    [Fact]
    public void Reads_one_backup_and_a_name_given_replaces_the_manifests()
    {
        var b = BackupManifest.Parse(Yaml, "b.yaml", null);
        Assert.Equal(("nightly-1", "db", "db", 8L, OcpValues.FullBackup), (b.Metadata.Name, b.Metadata.NamespaceProperty, b.Metadata.Labels["team"], b.Spec.ClusterId, b.Spec.DataBackupMode));
        Assert.Equal("nightly-42", BackupManifest.Parse(Yaml, "b.yaml", "nightly-42").Metadata.Name);
    }

    [Fact]
    public void What_the_api_server_wrote_is_dropped_so_a_fetched_backup_can_be_created_again()
    {
        var fetched = Yaml.Replace("  namespace: db\n", """
              namespace: db
              uid: 6c1f
              resourceVersion: "4711"
              generation: 1
              creationTimestamp: "2026-05-01T01:00:00Z"
            """ + "\n", StringComparison.Ordinal) + """

            status:
              phase: Succeeded
              taskIds: [3000001]
            """;
        var b = BackupManifest.Parse(fetched, "b.yaml", "again");
        Assert.Equal("again", b.Metadata.Name);
        Assert.Null(b.Metadata.Uid);
        Assert.Null(b.Metadata.ResourceVersion);
        Assert.Null(b.Metadata.Generation);
        Assert.Null(b.Metadata.CreationTimestamp);
        Assert.Null(b.Status);
    }

    [Fact]
    public void Json_is_read_too() =>
        Assert.Equal(9, BackupManifest.Parse("""{"apiVersion":"ocp.oceanbase.com/v1alpha1","kind":"ClusterBackupNow","metadata":{"name":"j"},"spec":{"clusterId":9}}""", "b.json", null).Spec.ClusterId);

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "b.yaml: expected one ClusterBackupNow (ocp.oceanbase.com/v1alpha1), found ConfigMap")]
    [InlineData("", "b.yaml: no object in the file")]
    [InlineData("apiVersion: ocp.oceanbase.com/v1alpha1\nkind: ClusterBackupNow\nspec: {clusterId: 8}\n", "b.yaml: the manifest has no metadata.name: give the backup a NAME")]
    [InlineData("apiVersion: ocp.oceanbase.com/v1alpha1\nkind: ClusterBackupNow\nmetadata: {name: x}\nspec: {clusterIdd: 8}\n", "b.yaml: not a ClusterBackupNow manifest: ")]
    [InlineData("apiVersion: ocp.oceanbase.com/v1alpha1\nkind: ClusterBackupNow\nmetadata: {name: x\n", "b.yaml: not a ClusterBackupNow manifest: ")]
    [InlineData("apiVersion: ocp.oceanbase.com/v1alpha1\nkind: ClusterBackupNow\nmetadata: {name: x}\nspec: {clusterId: 1e400}\n", "b.yaml: not a ClusterBackupNow manifest: ")]
    public void Anything_else_is_refused_naming_the_file(string text, string expected)
    {
        var e = Assert.Throws<PluginException>(() => BackupManifest.Parse(text, "b.yaml", null));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(ExitCodes.Error, e.ExitCode);
    }

    [Fact]
    public void Two_backups_in_one_file_are_refused()
    {
        var e = Assert.Throws<PluginException>(() => BackupManifest.Parse(Yaml + "\n---\n" + Yaml, "b.yaml", null));
        Assert.Equal("b.yaml: expected one ClusterBackupNow (ocp.oceanbase.com/v1alpha1), found ClusterBackupNow, ClusterBackupNow", e.Message);
    }

    [Fact]
    public void A_missing_file_is_one_line()
    {
        var e = Assert.Throws<PluginException>(() => BackupManifest.Read("/no/such/file.yaml", TextReader.Null));
        Assert.StartsWith("cannot read /no/such/file.yaml: ", e.Message, StringComparison.Ordinal);
        Assert.Equal("from stdin", BackupManifest.Read("-", new StringReader("from stdin")));
    }
}
