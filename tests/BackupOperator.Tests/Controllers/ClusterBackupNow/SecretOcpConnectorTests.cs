using System.Net;
using System.Text;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

public sealed class SecretOcpConnectorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestResources.Start);
    private readonly SecretApi _api = new();
    private readonly Factory _factory = new();

    [Fact]
    public async Task A_burst_of_backups_reads_the_secret_once_and_a_changed_secret_is_read_after_the_cache_time()
    {
        var connector = Connector(TimeSpan.FromSeconds(10));
        await connector.ConnectAsync(Backup("a"), CancellationToken.None);
        await connector.ConnectAsync(Backup("b"), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(9));
        await connector.ConnectAsync(Backup("c"), CancellationToken.None);
        Assert.Equal(1, _api.Reads);

        _api.Url = "https://ocp-new.example.com";
        _time.Advance(TimeSpan.FromSeconds(2));
        await connector.ConnectAsync(Backup("d"), CancellationToken.None);
        Assert.Equal(2, _api.Reads);
        Assert.Equal("https://ocp-new.example.com", _factory.Last!.Url);
    }

    [Fact]
    public async Task A_missing_secret_is_not_remembered_so_creating_it_takes_effect_at_once()
    {
        var connector = Connector(TimeSpan.FromSeconds(10));
        _api.Exists = false;
        var missing = await Assert.ThrowsAsync<OcpConfigurationException>(() => connector.ConnectAsync(Backup("x"), CancellationToken.None));
        Assert.Contains("not found", missing.Message, StringComparison.Ordinal);

        _api.Exists = true;
        await connector.ConnectAsync(Backup("x"), CancellationToken.None);
        Assert.Equal(2, _api.Reads);
    }

    [Fact]
    public async Task A_zero_cache_time_reads_the_secret_every_time()
    {
        var connector = Connector(TimeSpan.Zero);
        await connector.ConnectAsync(Backup("x"), CancellationToken.None);
        await connector.ConnectAsync(Backup("x"), CancellationToken.None);
        Assert.Equal(2, _api.Reads);
    }

    public void Dispose() => _api.Dispose();

    private static V1alpha1ClusterBackupNow Backup(string name)
    {
        var backup = TestResources.Backup(name: name);
        backup.Spec.OcpSecretRef = new LocalSecretReference { Name = "ocp" };
        return backup;
    }

    private SecretOcpConnector Connector(TimeSpan cache) => new(
        new SecretReader(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "https://kube.test" }, _api), _time, cache),
        _factory, Options.Create(new OcpOptions()));

    /// <summary>GET of the resource's OCP Secret; counts reads.</summary>
    private sealed class SecretApi : DelegatingHandler
    {
        public int Reads { get; private set; }
        public bool Exists { get; set; } = true;
        public string Url { get; set; } = "https://ocp.example.com";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Reads++;
            if (!Exists)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request, Content = new StringContent("""{"kind":"Status","code":404}""", Encoding.UTF8, "application/json") });
            }

            var url = Convert.ToBase64String(Encoding.UTF8.GetBytes(Url));
            var user = Convert.ToBase64String("admin"u8.ToArray());
            var body = $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"ocp"},"data":{"url":"{{{url}}}","username":"{{{user}}}","password":"{{{user}}}"}}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private sealed class Factory : IOcpClientFactory
    {
        public OcpConnectionSettings? Last { get; private set; }

        public IOcpApi Get(OcpConnectionSettings settings)
        {
            Last = settings;
            return new FakeOcpApi();
        }
    }
}
