using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.E2E;

/// <summary>
/// Whom the published `kubectl ocp` trusts and speaks for, as kubectl does, against the real API server: its
/// serving certificate checked against the kubeconfig's CA alone (else the system's trust, SSL_CERT_FILE), an
/// exec credential plugin started with the user's own TLS settings, and --as / --as-group.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PluginTrustTests(E2EEnvironment env)
{
    private const string Ns = E2EEnvironment.Namespace;

    [Fact]
    public async Task The_kubeconfigs_CA_alone_is_trusted_else_the_system_trust_of_SSL_CERT_FILE()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-trusted", 9470), ct);
        var rightCa = env.Api.ServingCaFile();
        var wrongCa = Path.Combine(env.Api.Directory, "wrong-ca.crt");
        await File.WriteAllTextAsync(wrongCa, TestCertificates.Create(Directory.CreateTempSubdirectory("wrong-ca-").FullName).CaPem, ct);

        // (a) The kubeconfig names the API server's CA.
        var (a, _) = await ListAsync("trust-right-ca", rightCa, null, ct);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Contains(a.Lines, l => l.StartsWith("plugin-trusted ", StringComparison.Ordinal));

        // (b) It names another CA: refused, though the system's trust (SSL_CERT_FILE) holds the right one.
        var (b, server) = await ListAsync("trust-wrong-ca", wrongCa, rightCa, ct);
        Assert.True(b.ExitCode == 4, b.ToString());
        Assert.Equal($"error: TLS with the API server at {server} failed: x509: certificate signed by unknown authority (the configured certificate-authority did not sign it)\n", b.Stderr);
        Assert.Equal("", b.Stdout);

        // (c) It names none: the system's trust decides, here SSL_CERT_FILE holding the right CA.
        var (c, _) = await ListAsync("trust-system", null, rightCa, ct);
        Assert.True(c.ExitCode == 0, c.ToString());
        Assert.Contains(c.Lines, l => l.StartsWith("plugin-trusted ", StringComparison.Ordinal));
    }

    /// <summary>`kubectl-ocp backup list` as the admin, verifying the server against <paramref name="ca"/>, with SSL_CERT_FILE=<paramref name="systemBundle"/>.</summary>
    private async Task<(KubectlOcp.Run Run, string Server)> ListAsync(string name, string? ca, string? systemBundle, CancellationToken ct)
    {
        var kubeconfig = Path.Combine(env.Api.Directory, $"{name}.kubeconfig");
        env.Api.WriteVerifyingKubeconfig(kubeconfig, KubeApiServer.AdminToken, ca);
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig, ["SSL_CERT_DIR"] = "/nonexistent" };
        if (systemBundle is not null)
        {
            environment["SSL_CERT_FILE"] = systemBundle;
        }

        return (await KubectlOcp.RunAsync(["backup", "list", "-n", Ns], ct, environment), new Uri(env.Api.Url).ToString());
    }

    [Fact]
    public async Task An_exec_credential_plugin_sees_the_users_SSL_CERT_FILE_and_SSL_CERT_DIR()
    {
        var ct = TestTimeout.Token();
        const string Account = "plugin-exec-env";
        await env.CreateBackupAsync(Backups.Nfs(Account, 9471), ct);
        var token = await env.ServiceAccountTokenAsync(Account, "cluster-admin", ct);
        var recorded = Path.Combine(env.Api.Directory, "plugin-exec-env.recorded");
        var script = Path.Combine(env.Api.Directory, "plugin-exec-env.sh");
        await File.WriteAllTextAsync(script, $$$"""
            #!/bin/sh
            printf 'SSL_CERT_FILE=%s\nSSL_CERT_DIR=%s\n' "$SSL_CERT_FILE" "$SSL_CERT_DIR" > {{{recorded}}}
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{token}}}"}}'

            """, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var kubeconfig = Path.Combine(env.Api.Directory, "plugin-exec-env.kubeconfig");
        env.Api.WriteExecKubeconfig(kubeconfig, script, "client.authentication.k8s.io/v1"); // skips verification: the system's store is left unread

        var run = await KubectlOcp.RunAsync(["backup", "list", "-n", Ns], ct, new Dictionary<string, string>
        {
            ["KUBECONFIG"] = kubeconfig,
            ["SSL_CERT_FILE"] = "/etc/users-own/ca-bundle.pem",
            ["SSL_CERT_DIR"] = "/etc/users-own/certs",
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Lines, l => l.StartsWith(Account + " ", StringComparison.Ordinal));
        Assert.Equal("SSL_CERT_FILE=/etc/users-own/ca-bundle.pem\nSSL_CERT_DIR=/etc/users-own/certs\n", await File.ReadAllTextAsync(recorded, ct));
    }

    [Fact]
    public async Task Delete_as_a_user_who_may_not_is_one_403_line_naming_them_and_the_backup_stays()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-not-yours", 9472), ct);
        var admin = new Dictionary<string, string> { ["KUBECONFIG"] = env.Api.AdminKubeconfig };

        var run = await KubectlOcp.RunAsync(["backup", "delete", "plugin-not-yours", "--as", "jane", "-n", Ns], ct, admin);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Matches("^error: clusterbackupnows.ocp.oceanbase.com \"plugin-not-yours\" is forbidden: User \"jane\" cannot delete resource", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal("", run.Stdout);
        Assert.Equal("plugin-not-yours", (await env.GetBackupAsync("plugin-not-yours", ct)).Metadata.Name);

        // Groups without a user to impersonate: refused before any request, as kubectl refuses it.
        var groupOnly = await KubectlOcp.RunAsync(["backup", "delete", "plugin-not-yours", "--as-group", "system:masters", "-n", Ns], ct, admin);

        Assert.True(groupOnly.ExitCode == 4, groupOnly.ToString());
        Assert.Equal("error: requesting groups or user-extra for  without impersonating a user\n", groupOnly.Stderr);
        Assert.Equal("plugin-not-yours", (await env.GetBackupAsync("plugin-not-yours", ct)).Metadata.Name);
    }
}
