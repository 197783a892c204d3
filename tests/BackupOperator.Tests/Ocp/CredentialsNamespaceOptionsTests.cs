using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Ocp;

/// <summary>Ocp:CredentialsNamespace and Ocp:ServiceAccount: where they default to, and what is refused at start.</summary>
public sealed class CredentialsNamespaceOptionsTests
{
    [Fact]
    public void In_a_pod_both_default_to_the_operators_own_namespace()
    {
        var o = new OcpOptions();
        o.ResolveNamespaces("backups");

        Assert.Equal("backups", o.CredentialsNamespaceInEffect());
        Assert.Equal(("backups", "backup-operator"), o.ServiceAccountName());
    }

    [Fact]
    public void Outside_a_cluster_both_default_to_config_rbacs_namespace()
    {
        var o = new OcpOptions();
        o.ResolveNamespaces(null);

        Assert.Equal("backup-operator-system", o.CredentialsNamespaceInEffect());
        Assert.Equal(("backup-operator-system", "backup-operator"), o.ServiceAccountName());
        Assert.Equal("backup-operator-system", new OcpOptions().CredentialsNamespaceInEffect());
    }

    [Fact]
    public void Set_values_win_and_the_service_account_stays_in_the_operators_namespace()
    {
        var o = new OcpOptions { CredentialsNamespace = "ocp-admin" };
        o.ResolveNamespaces("backups");

        Assert.Equal("ocp-admin", o.CredentialsNamespaceInEffect());
        Assert.Equal(("backups", "backup-operator"), o.ServiceAccountName());
        Assert.Empty(new OcpOptionsValidator().Validate(null, o).Failures ?? []);
    }

    [Theory]
    [InlineData("Ocp:CredentialsNamespace 'Not_A_Namespace' is not a namespace name", "Not_A_Namespace", null)]
    [InlineData("Ocp:ServiceAccount 'backup-operator' is not namespace:name", null, "backup-operator")]
    [InlineData("Ocp:ServiceAccount 'a:b:c' is not namespace:name", null, "a:b:c")]
    public void A_malformed_value_is_refused_at_start(string expected, string? credentialsNamespace, string? serviceAccount)
    {
        var o = new OcpOptions { CredentialsNamespace = credentialsNamespace, ServiceAccount = serviceAccount };

        var result = new OcpOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
