using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>A Secret the operator was not given: the backup waits under the connector's reason, looks again, and sends nothing.</summary>
public sealed class SecretConsentTests
{
    [Theory]
    [InlineData(OcpConfigurationException.SecretNotGranted)]
    [InlineData(OcpConfigurationException.SecretNamespaceNotAllowed)]
    public async Task A_secret_not_given_to_the_operator_keeps_the_backup_pending_under_its_reason_and_nothing_is_sent(string reason)
    {
        var h = new Harness();
        h.Connector.Failure = new OcpConfigurationException("Secret db/ocp (spec.ocpSecretRef) is not granted to the operator: grant it with ...", reason);
        var backup = TestResources.Backup();

        var d = await h.StepAsync(backup);

        Assert.Equal((BackupPhase.Pending, reason), (d.Status!.Phase, d.Status.Reason));
        Assert.Contains("grant it with", d.Status.Message, StringComparison.Ordinal);
        Assert.NotNull(d.RequeueAfter);
        Assert.Equal(reason, Assert.Single(d.Events).Reason);
        Assert.Null(d.Status.RequestId);
        Assert.Equal(0, h.Ocp.Calls);

        // Granted: the next look goes on to the intent and the POST.
        h.Connector.Failure = null;
        await h.StepAsync(backup);
        var sent = await h.StepAsync(backup);
        Assert.Equal(BackupPhase.Running, sent.Status!.Phase);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task A_grant_revoked_after_the_intent_waits_under_its_reason_without_sending()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup); // the intent
        h.Connector.Failure = new OcpConfigurationException("Secret db/ocp (spec.ocpSecretRef) is not granted to the operator", OcpConfigurationException.SecretNotGranted);

        var d = await h.StepAsync(backup);

        Assert.Equal(OcpConfigurationException.SecretNotGranted, d.Status!.Reason);
        Assert.Empty(h.Ocp.Posts);
    }
}
