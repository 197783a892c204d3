using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>
/// Found by attacking (OCP, clusterId) and the grant check before every POST: one OCP spelled two
/// ways, and a connection deleted and re-created elsewhere while an intent waits.
/// </summary>
public sealed class OcpIsolationAdversaryTests
{
    // ADVERSARY: defect. "ocp.example.com." (a fully qualified name) and "ocp.example.com" reach the
    // same server, as do %2f and %2F in a path (RFC 3986 6.2.2.1); as two OCPs, a backup through one
    // spelling does not wait for a backup of the same cluster through the other, and the task ids
    // the other recorded are not claimed: it can adopt the other's task after a lost answer.
    [Theory]
    [InlineData("https://ocp.example.com.", "https://ocp.example.com")]
    [InlineData("https://OCP.Example.com.:443/", "https://ocp.example.com")]
    [InlineData("http://10.0.0.7:8080/ocp%2fv2", "http://10.0.0.7:8080/ocp%2Fv2")]
    public void Two_spellings_of_one_OCP_are_one_OCP(string url, string same)
    {
        Assert.NotNull(OcpEndpoint.Normalize(url));
        Assert.Equal(OcpEndpoint.Normalize(same), OcpEndpoint.Normalize(url));
    }

    // ADVERSARY: defect. Contract item 4: a connection deleted and re-created ends the backup Failed
    // NotAllowed if nothing may have been sent yet. Re-created with another url, the backup instead
    // waits forever for "the url to be restored" (and its intent keeps the cluster busy for every
    // other team on that OCP): the url check of the connect comes before the grant check.
    [Fact]
    public async Task A_connection_recreated_at_another_url_before_the_POST_ends_the_backup_NotAllowed()
    {
        var h = new Harness();
        h.Connector.Target = new OcpTarget(TestResources.OcpEndpoint, "uid-conn-1");
        var backup = TestResources.Backup();
        await h.StepAsync(backup); // the intent, through connection uid-conn-1; no POST yet
        h.Connector.Target = new OcpTarget("https://ocp-other-team.example:443", "uid-conn-2");
        h.Connector.DenialAfterIntent = new OcpAccessDeniedException("ClusterOcpConnection ocp-shared is not the one this backup was submitted through");

        var d = await h.StepAsync(backup);

        Assert.Equal((BackupPhase.Failed, "NotAllowed"), (d.Status!.Phase, d.Status.Reason));
        Assert.Empty(h.Ocp.Posts);
    }
}
