using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>OCP over https with a private CA: trusted through the Secret's caBundle, refused loudly without it.</summary>
[Collection(E2ECollection.Name)]
public sealed class HttpsTests(E2EEnvironment env)
{
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Fact]
    public async Task A_private_ca_from_the_secret_is_trusted_and_without_it_the_tls_error_is_reported()
    {
        var ct = TestTimeout.Token();
        var tls = TestCertificates.Create(env.Api.Directory);
        await using var ocp = await SimulatorHandle.StartAsync(ct, tls);
        Assert.StartsWith("https://", ocp.Url, StringComparison.Ordinal);

        await env.CreateSecretAsync("ocp-tls", new()
        {
            ["url"] = ocp.Url,
            ["username"] = SimulatorHandle.User,
            ["password"] = SimulatorHandle.Password,
            ["caBundle"] = tls.CaPem,
        }, ct);
        await env.CreateBackupAsync(Backups.Nfs("tls-trusted", 501, secret: "ocp-tls"), ct);
        var trusted = await env.WaitForPhaseAsync("tls-trusted", Terminal, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(BackupPhase.Succeeded, trusted.Status!.Phase);
        Assert.Equal(1, await ocp.StartedAsync(501, ct));

        await env.CreateSecretAsync("ocp-tls-no-ca", new()
        {
            ["url"] = ocp.Url,
            ["username"] = SimulatorHandle.User,
            ["password"] = SimulatorHandle.Password,
        }, ct);
        await env.CreateBackupAsync(Backups.Nfs("tls-untrusted", 502, secret: "ocp-tls-no-ca"), ct);
        var untrusted = await env.WaitForPhaseAsync("tls-untrusted", [BackupPhase.Unknown], TimeSpan.FromSeconds(60), ct);
        Assert.Contains("TLS", untrusted.Status!.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ocp.PostsAsync(502, ct));
        Assert.DoesNotContain("uses plain http", string.Join('\n', env.AllOperatorLogs.Split('\n').Where(l => l.Contains("ocp-tls", StringComparison.Ordinal))), StringComparison.Ordinal);
    }
}
