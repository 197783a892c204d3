using BackupOperator.Entities;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>A backup its namespace may not run ends at once, says why, and reaches OCP not even for a read.</summary>
public sealed class AccessTests
{
    [Fact]
    public async Task A_backup_that_may_not_use_its_connection_fails_NotAllowed_without_a_word_to_OCP()
    {
        var h = new Harness();
        h.Connector.Denial = new OcpAccessDeniedException("ClusterOcpConnection shared does not grant namespace db: it is not in spec.namespaces");

        var d = await h.StepAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Failed, d.Status!.Phase);
        Assert.Equal("NotAllowed", d.Status.Reason);
        Assert.Contains("does not grant namespace db", d.Status.Message, StringComparison.Ordinal);
        Assert.Null(d.Status.RequestId);
        Assert.Equal(0, h.Ocp.Calls);
        Assert.Equal(0, h.Connector.Calls);
        var warning = Assert.Single(d.Events);
        Assert.True(warning.Warning);
        Assert.Equal("NotAllowed", warning.Reason);
        Assert.Null(d.RequeueAfter);
    }

    [Fact]
    public async Task A_refused_backup_stays_refused_and_never_asks_again()
    {
        var h = new Harness();
        h.Connector.Denial = new OcpAccessDeniedException("no");
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Connector.Denial = null; // granted later: a new ClusterBackupNow runs, this one stays as it was

        var d = await h.StepAsync(backup);

        Assert.Null(d.Status);
        Assert.Equal(1, h.Connector.Authorizations);
        Assert.Equal(0, h.Ocp.Calls);
    }

    [Fact]
    public async Task A_grant_withdrawn_after_submission_does_not_touch_the_backup()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup); // the intent
        h.Connector.Denial = new OcpAccessDeniedException("withdrawn");

        var d = await h.StepAsync(backup); // the POST and the first task read

        Assert.Equal(BackupPhase.Running, d.Status!.Phase);
        Assert.Single(h.Ocp.Posts);
        Assert.Equal(1, h.Connector.Authorizations);
    }

    [Fact]
    public async Task A_connection_that_does_not_exist_yet_waits_as_a_configuration_problem()
    {
        var h = new Harness();
        h.Connector.Failure = new BackupOperator.Operator.Ocp.OcpConfigurationException("ClusterOcpConnection shared (spec.ocpConnectionRef) not found");

        var d = await h.StepAsync(TestResources.Backup());

        Assert.Equal(BackupPhase.Pending, d.Status!.Phase);
        Assert.Equal("ConfigurationInvalid", d.Status.Reason);
        Assert.NotNull(d.RequeueAfter);
        Assert.Equal(0, h.Ocp.Calls);
    }
}
