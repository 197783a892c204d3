using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BackupOperator.KubeClient;

namespace BackupOperator.Tests.KubeClient;

/// <summary>The API server's certificate: trusted when it chains to the kubeconfig's CA and names the host; never on a name mismatch.</summary>
public sealed class KubeConnectionTests
{
    [Fact]
    public void A_server_certificate_issued_by_the_kubeconfigs_ca_is_trusted()
    {
        using var ca = Authority("CN=kube-ca");
        using var server = Issue(ca, "CN=kube-apiserver");

        Assert.True(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_certificate_of_another_ca_is_refused()
    {
        using var ca = Authority("CN=kube-ca");
        using var other = Authority("CN=someone-else");
        using var server = Issue(other, "CN=kube-apiserver");

        Assert.False(KubeConnection.Verify([ca], skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(KubeConnection.Verify(null, skip: false, server, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_name_mismatch_is_refused_even_from_the_right_ca()
    {
        using var ca = Authority("CN=kube-ca");
        using var server = Issue(ca, "CN=kube-apiserver");

        Assert.False(KubeConnection.Verify([ca], skip: false, server,
            SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void Insecure_skip_tls_verify_accepts_anything_and_a_system_trusted_certificate_needs_no_ca()
    {
        using var ca = Authority("CN=kube-ca");

        Assert.True(KubeConnection.Verify(null, skip: true, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.True(KubeConnection.Verify(null, skip: false, ca, SslPolicyErrors.None));
    }

    internal static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
