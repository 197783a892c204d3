using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BackupOperator.Operator.FaultInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace BackupOperator.Operator.Ocp;

public interface IOcpClientFactory
{
    /// <summary>A client for these settings; one per distinct connection, reused.</summary>
    IOcpApi Get(OcpConnectionSettings settings);
}

/// <summary>
/// One OCP client per distinct connection (URL, credentials, CA), reused across reconciles. A client
/// is dropped when unused for <see cref="IdleTimeout"/>, or sooner when its connection source (a
/// Secret) has changed and it has not been used for <see cref="SupersededTimeout"/>. A dropped
/// client is not disposed: a request still under way on it (a backupNow POST) finishes normally,
/// and its handler is collected once nothing uses it.
/// </summary>
public sealed partial class OcpClientFactory(IOptions<OcpOptions> options, TimeProvider time, ILogger<OcpClientFactory> logger, IOcpMetrics? metrics = null,
    Failpoints? failpoints = null)
    : IOcpClientFactory, IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan SupersededTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _clients = new();
    private readonly OcpEndpointLimiter _limiter = new(options.Value.MaxConcurrentRequestsPerEndpoint);
    private long _lastSweep = time.GetTimestamp();

    /// <summary>The bound on requests in flight per OCP server, shared by every client made here.</summary>
    public OcpEndpointLimiter Limiter => _limiter;

    /// <summary>Clients kept right now.</summary>
    public int Count => _clients.Count;

    public IOcpApi Get(OcpConnectionSettings settings)
    {
        var uri = settings.Validate();
        var key = Fingerprint(settings);
        var now = time.GetTimestamp();
        Sweep(now);
        var entry = _clients.GetOrAdd(key, _ => new Entry(settings.Source, new Lazy<(OcpClient, HttpClient)>(() => Create(settings, uri))));
        Interlocked.Exchange(ref entry.LastUsed, now);
        return entry.Client.Value.Client;
    }

    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (time.GetElapsedTime(last, now) < SweepInterval || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        var newestBySource = _clients.Values.GroupBy(e => e.Source).ToDictionary(g => g.Key, g => g.Max(e => Interlocked.Read(ref e.LastUsed)));
        foreach (var (key, entry) in _clients)
        {
            var used = Interlocked.Read(ref entry.LastUsed);
            var idle = time.GetElapsedTime(used, now);
            var superseded = newestBySource[entry.Source] > used;
            if (idle >= IdleTimeout || (superseded && idle >= SupersededTimeout))
            {
                _clients.TryRemove(key, out _);
            }
        }
    }

    private (OcpClient, HttpClient) Create(OcpConnectionSettings settings, Uri uri)
    {
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            LogPlainHttp(logger, settings.Source, uri.Host);
        }

        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // A URL may be a tenant's: a redirect must not lead the operator, with its credentials, to a
            // service the tenant cannot reach. OcpClient reports a 3xx as an answer.
            AllowAutoRedirect = false,
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

        var masker = new SecretMasker([settings.Password, settings.AccessKeySecret], settings.Username);
        return (new OcpClient(http, settings.Url!, ReadPipeline(options.Value, time), metrics, masker, _limiter), http);
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
        foreach (var entry in _clients.Values.Where(e => e.Client.IsValueCreated))
        {
            entry.Client.Value.Http.Dispose();
        }
    }

    private sealed class Entry(string source, Lazy<(OcpClient Client, HttpClient Http)> client)
    {
        public long LastUsed;

        public string Source { get; } = source;
        public Lazy<(OcpClient Client, HttpClient Http)> Client { get; } = client;
    }

    [LoggerMessage(2001, LogLevel.Warning, "OCP connection from {Source} to {Host} uses plain http: credentials and backup requests travel unencrypted")]
    private static partial void LogPlainHttp(ILogger logger, string source, string host);
}
