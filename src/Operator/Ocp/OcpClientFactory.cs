using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BackupOperator.Operator.Diagnostics;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace BackupOperator.Operator.Ocp;

public interface IOcpClientFactory
{
    /// <summary>A client for these settings; one per distinct connection, reused.</summary>
    IOcpApi Get(OcpConnectionSettings settings);
}

public sealed class OcpClientFactory(IOptions<OcpOptions> options, TimeProvider time, ILogger<OcpClientFactory> logger, OperatorMetrics? metrics = null,
    Failpoints? failpoints = null)
    : IOcpClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(OcpClient Client, HttpClient Http)>> _clients = new();

    public IOcpApi Get(OcpConnectionSettings settings)
    {
        var uri = settings.Validate();
        var key = Fingerprint(settings);
        return _clients.GetOrAdd(key, _ => new Lazy<(OcpClient, HttpClient)>(() => Create(settings, uri))).Value.Client;
    }

    private (OcpClient, HttpClient) Create(OcpConnectionSettings settings, Uri uri)
    {
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            Log.PlainHttp(logger, settings.Source, uri.Host);
        }

        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (!string.IsNullOrWhiteSpace(settings.CaBundle))
        {
            var roots = LoadCaBundle(settings);
            sockets.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) => ValidateWithRoots(cert, errors, roots),
            };
        }

        DelegatingHandler auth = settings.UsesAccessKey
            ? new AkSkSigningHandler(settings.AccessKeyId!, settings.AccessKeySecret!, OcpSigner.HostFromUrlText(settings.Url!), time)
            : new BasicAuthHandler(settings.Username!, settings.Password!);
        auth.InnerHandler = FailpointHandler.Wrap(sockets, failpoints);
        var http = new HttpClient(auth) { Timeout = options.Value.RequestTimeout, MaxResponseContentBufferSize = 8 * 1024 * 1024 };

        return (new OcpClient(http, settings.Url!, ReadPipeline(options.Value, time), metrics), http);
    }

    /// <summary>Retries of reads (task get/list) on transient failures; backupNow does not go through it.</summary>
    internal static ResiliencePipeline ReadPipeline(OcpOptions options, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.ReadRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(300),
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<OcpApiException>(e => e.IsTransient && options.ReadRetries > 0),
            })
            .Build();

    private static X509Certificate2Collection LoadCaBundle(OcpConnectionSettings settings)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(settings.CaBundle);
        }
        catch (CryptographicException e)
        {
            throw new OcpConfigurationException($"{settings.Source}: 'caBundle' is not PEM certificates ({e.Message})");
        }

        return roots.Count == 0
            ? throw new OcpConfigurationException($"{settings.Source}: 'caBundle' holds no certificate")
            : roots;
    }

    private static bool ValidateWithRoots(X509Certificate? cert, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (cert is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }

    private static string Fingerprint(OcpConnectionSettings s) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\0', s.Url, s.Username, s.Password, s.AccessKeyId, s.AccessKeySecret, s.CaBundle))));

    public void Dispose()
    {
        foreach (var lazy in _clients.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Http.Dispose();
        }
    }
}
