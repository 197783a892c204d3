using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Output;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Output;

public sealed class BackupTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 1, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Columns_as_kubectl_aligns_them_sorted_by_name()
    {
        var running = Backup("nightly-2", BackupPhase.Running, 3000002, 3000003);
        running.Spec.DataBackupMode = OcpValues.IncrementalBackup;
        var table = BackupTable.Render([running, Backup("nightly-1", BackupPhase.Succeeded, 3000001), Backup("new", null)], withNamespace: false, Now);
        Assert.Equal("""
            NAME        PHASE       CLUSTER   MODES                  TASKS             AGE
            new         <none>      8         PHYSICAL/FULL          <none>            5m
            nightly-1   Succeeded   8         PHYSICAL/FULL          3000001           5m
            nightly-2   Running     8         PHYSICAL/INCREMENTAL   3000002,3000003   5m

            """, table);
    }

    [Fact]
    public void All_namespaces_adds_the_namespace_first()
    {
        var other = Backup("a", BackupPhase.Failed);
        other.Metadata.NamespaceProperty = "analytics";
        var lines = BackupTable.Render([Backup("z", BackupPhase.Pending), other], withNamespace: true, Now).Split('\n');
        Assert.Matches(@"^NAMESPACE\s+NAME\s+PHASE\s+CLUSTER\s+MODES\s+TASKS\s+AGE$", lines[0]);
        Assert.StartsWith("analytics   a ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("db          z ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Modes_drop_the_common_suffix()
    {
        Assert.Equal("LOGICAL/INCREMENTAL", BackupTable.Modes(new ClusterBackupNowSpec { BackupMode = "LOGICAL_BACKUP", DataBackupMode = "INCREMENTAL_BACKUP" }));
        Assert.Equal("?/FULL", BackupTable.Modes(new ClusterBackupNowSpec { DataBackupMode = "FULL_BACKUP" }));
    }
}
