using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BackupOperator.KubeClient;

/// <summary>
/// Where the API server is and how to prove who we are: a bearer token (fixed, or a file read again
/// as it rotates, like a Pod's projected service account token), a client certificate, or HTTP Basic;
/// the server verified against <see cref="CertificateAuthority"/> (or not at all, when the kubeconfig says so).
/// </summary>
public sealed record KubeConnection(Uri Server)
{
    /// <summary>Where a Pod's service account is mounted.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public string? Token { get; init; }

    public string? TokenFile { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public X509Certificate2Collection? CertificateAuthority { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    public bool SkipTlsVerify { get; init; }

    /// <summary>The namespace the context or the Pod names, if any.</summary>
    public string? Namespace { get; init; }

    /// <summary>An exec credential plugin that supplies the token or client certificate.</summary>
    public ExecConfig? Exec { get; init; }

    /// <summary>The user to act as (Impersonate-User), as kubectl's --as.</summary>
    public string? Impersonate { get; init; }

    /// <summary>The groups to act as (Impersonate-Group), as kubectl's --as-group.</summary>
    public IReadOnlyList<string> ImpersonateGroups { get; init; } = [];

    /// <summary>How long one request may take, when the caller sets it (kubectl's --request-timeout).</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>A URL as messages name it: a password in it shown as xxxxx, as kubectl (Go's url.Redacted) shows it.</summary>
    public static string Redacted(Uri url) =>
        url.UserInfo.Contains(':', StringComparison.Ordinal) ? new UriBuilder(url) { Password = "xxxxx" }.Uri.ToString() : url.ToString();

    /// <summary>What a record would print, without a token or a password: the server, the kind of credential, who it acts as.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        var credential = Exec is not null ? $"exec plugin {Exec.Command}"
            : TokenFile is not null ? $"token file {TokenFile}"
            : Token is not null ? "token (hidden)"
            : ClientCertificate is not null ? $"client certificate {ClientCertificate.Subject}"
            : Username is not null ? $"basic {Username} (password hidden)"
            : "none";
        builder.Append(CultureInfo.InvariantCulture, $"Server = {Redacted(Server)}, Credential = {credential}, SkipTlsVerify = {SkipTlsVerify}, Namespace = {Namespace}, ")
            .Append(CultureInfo.InvariantCulture, $"Impersonate = {Impersonate}, ImpersonateGroups = [{string.Join(", ", ImpersonateGroups)}], RequestTimeout = {RequestTimeout}");
        return true;
    }

    /// <summary>The Pod's namespace, from its service account; null outside a Pod.</summary>
    public static string? InClusterNamespace()
    {
        var file = Path.Combine(ServiceAccountDirectory, "namespace");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    public static bool IsInCluster() => IsInCluster(ServiceAccountDirectory, Environment.GetEnvironmentVariable);

    public static bool IsInCluster(string directory, Func<string, string?> environment) =>
        !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_PORT"))
        && File.Exists(Path.Combine(directory, "token"));

    /// <summary>The Pod's service account, as client-go's rest.InClusterConfig reads it.</summary>
    public static KubeConnection InCluster() => InCluster(ServiceAccountDirectory, Environment.GetEnvironmentVariable);

    public static KubeConnection InCluster(string directory, Func<string, string?> environment)
    {
        var host = environment("KUBERNETES_SERVICE_HOST")!;
        var port = environment("KUBERNETES_SERVICE_PORT")!;
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(Path.Combine(directory, "ca.crt"));
        var nsFile = Path.Combine(directory, "namespace");
        return new KubeConnection(new UriBuilder("https", host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri)
        {
            TokenFile = Path.Combine(directory, "token"),
            CertificateAuthority = ca,
            Namespace = File.Exists(nsFile) ? File.ReadAllText(nsFile).Trim() : null,
        };
    }

    /// <summary>
    /// This connection with kubectl's connection flags over it, for a Pod's service account (no kubeconfig
    /// to apply them to): --server, --token (instead of the token file), --insecure-skip-tls-verify (the CA dropped), --as,
    /// --as-group, --request-timeout and -n. Null (or no group) leaves what the connection has.
    /// </summary>
    public KubeConnection With(ConnectionOverrides overrides)
    {
        var token = string.IsNullOrWhiteSpace(overrides.Token) ? null : overrides.Token.Trim();
        var skip = overrides.InsecureSkipTlsVerify ?? SkipTlsVerify;
        return this with
        {
            Server = string.IsNullOrWhiteSpace(overrides.Server) ? Server : new Uri(overrides.Server.Trim()),
            Token = token ?? Token,
            TokenFile = token is null ? TokenFile : null,
            SkipTlsVerify = skip,
            CertificateAuthority = overrides.InsecureSkipTlsVerify == true ? null : CertificateAuthority,
            Impersonate = string.IsNullOrWhiteSpace(overrides.Impersonate) ? Impersonate : overrides.Impersonate.Trim(),
            ImpersonateGroups = overrides.ImpersonateGroups.Count > 0 ? overrides.ImpersonateGroups : ImpersonateGroups,
            RequestTimeout = overrides.RequestTimeout ?? RequestTimeout,
            Namespace = string.IsNullOrWhiteSpace(overrides.Namespace) ? Namespace : overrides.Namespace.Trim(),
        };
    }

    /// <summary>
    /// Loads the system's trusted roots on a pool thread. Every TLS handshake builds a chain against them,
    /// also with the kubeconfig's own CA or with verification off (SslStream builds it before the
    /// validation callback runs), and the first load of some hundred certificates costs about 50 ms.
    /// Started first thing, it runs while the host starts instead of delaying the first list
    /// (NativeAOT start → ready 190 → 143 ms, median of 6, bench/README.md).
    /// </summary>
    public static void PreloadSystemTrust() => _ = Task.Run(LoadSystemTrust);

    /// <summary>Loads the system's trusted roots now, into the runtime's cache every later handshake reads.</summary>
    public static void LoadSystemTrust()
    {
        try
        {
            using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            store.Open(OpenFlags.ReadOnly);
            foreach (var certificate in store.Certificates)
            {
                certificate.Dispose();
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // No store to load: the handshake finds the same and reports it.
        }
    }

    /// <summary>An <see cref="HttpClient"/> for this connection; <paramref name="outer"/> (e.g. a request counter) sees every request.</summary>
    public HttpClient CreateHttpClient(DelegatingHandler? outer = null, TimeProvider? time = null)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // The API server does not redirect its API; a redirect would carry the Impersonate-* headers (and a
            // client certificate) to wherever it points. Its 3xx is an error answer instead.
            AllowAutoRedirect = false,
        };
        if (ClientCertificate is not null)
        {
            sockets.SslOptions.ClientCertificates = [ClientCertificate];
        }

        var ca = CertificateAuthority;
        var skip = SkipTlsVerify;
        // A refusal says why, in client-go's words ("x509: certificate signed by unknown authority"): SslStream passes the
        // callback's exception on, where a false would only say that "the remote certificate was rejected".
        sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            Rejection(ca, skip, certificate as X509Certificate2, errors, chain?.ChainElements.Select(e => e.Certificate)) is { } why
                ? throw new System.Security.Authentication.AuthenticationException(why)
                : true;
        var exec = Exec is null ? null : new ExecCredentialProvider(Exec, time ?? TimeProvider.System);
        if (exec is not null && ClientCertificate is null)
        {
            // The authorization handler has run the plugin before the request reaches a new connection's handshake.
            sockets.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => exec.Current?.ClientCertificate!;
        }

        HttpMessageHandler handler = new AuthorizationHandler(this, time ?? TimeProvider.System, exec) { InnerHandler = sockets };
        if (outer is not null)
        {
            outer.InnerHandler = handler;
            handler = outer;
        }

        var baseAddress = Server.AbsoluteUri.EndsWith('/') ? Server : new Uri(Server.AbsoluteUri + "/");
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.TryParseAdd(UserAgent);
        return client;
    }

    /// <summary>
    /// "program/version", as client-go sends "binary/version": the API server names a writer's managedFields
    /// entry, audit records and metrics after it; without a User-Agent every write is manager "unknown".
    /// </summary>
    private static readonly string UserAgent = System.Reflection.Assembly.GetEntryAssembly()?.GetName() is { Name: { Length: > 0 } name } program
        ? $"{name}/{program.Version}"
        : "BackupOperator.KubeClient";

    /// <summary>What proves who we are on every request, in front of <paramref name="inner"/>.</summary>
    internal DelegatingHandler CreateAuthorizationHandler(TimeProvider time, HttpMessageHandler inner) =>
        new AuthorizationHandler(this, time, Exec is null ? null : new ExecCredentialProvider(Exec, time)) { InnerHandler = inner };

    /// <summary>
    /// The server's certificate is good when it chains to <paramref name="ca"/> (helped by the intermediates the
    /// server sent, <paramref name="sent"/>) and names the host; with no CA, when the system trusts it. As client-go:
    /// a kubeconfig that names a CA trusts that CA alone, not every root the machine trusts.
    /// </summary>
    internal static bool Verify(X509Certificate2Collection? ca, bool skip, X509Certificate2? certificate, SslPolicyErrors errors, IEnumerable<X509Certificate2>? sent = null) =>
        Rejection(ca, skip, certificate, errors, sent) is null;

    /// <summary>Why <see cref="Verify"/> refuses the server's certificate, as client-go says it; null when it is good.</summary>
    internal static string? Rejection(X509Certificate2Collection? ca, bool skip, X509Certificate2? certificate, SslPolicyErrors errors, IEnumerable<X509Certificate2>? sent = null)
    {
        if (skip)
        {
            return null;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return "x509: certificate is not valid for the server's host name";
        }

        if (ca is null || ca.Count == 0)
        {
            return errors == SslPolicyErrors.None ? null : UnknownAuthority;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var intermediate in sent ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        return chain.Build(certificate) ? null
            : chain.ChainStatus.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid)) ? "x509: certificate has expired or is not yet valid"
            : UnknownAuthority + " (the configured certificate-authority did not sign it)";
    }

    private const string UnknownAuthority = "x509: certificate signed by unknown authority";

    /// <summary>
    /// Sets the Authorization header (and the impersonation headers) on every request. An exec plugin's
    /// credential is kept until it expires or the server answers 401. A token file is read again once a minute, as the
    /// kubelet rotates a projected service account token, and at once after a 401 (the old token may
    /// have expired before the minute was up). A file that cannot be read after a first good read keeps
    /// the token read last, and is tried again on the next request.
    /// </summary>
    private sealed class AuthorizationHandler(KubeConnection connection, TimeProvider time, ExecCredentialProvider? exec) : DelegatingHandler
    {
        private static readonly TimeSpan Reread = TimeSpan.FromMinutes(1);
        private readonly Lock _gate = new();
        private string? _fileToken;
        private DateTimeOffset _readAt;
        private bool _stale;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ExecCredential? credential = null;
            if (exec is not null)
            {
                credential = await exec.GetAsync(cancellationToken);
                if (credential.Token is { } token)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
            }
            else if (Header() is { } header)
            {
                request.Headers.Authorization = header;
            }

            if (connection.Impersonate is { } user)
            {
                request.Headers.TryAddWithoutValidation("Impersonate-User", user);
            }

            foreach (var group in connection.ImpersonateGroups)
            {
                request.Headers.TryAddWithoutValidation("Impersonate-Group", group);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                exec?.Invalidate(credential!);
            }

            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && connection.TokenFile is not null)
            {
                lock (_gate)
                {
                    _stale = true;
                }
            }

            return response;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                exec?.Dispose(); // a plugin still running when the client goes is killed, not left behind
            }

            base.Dispose(disposing);
        }

        private AuthenticationHeaderValue? Header()
        {
            if (connection.TokenFile is { } file)
            {
                lock (_gate)
                {
                    var now = time.GetUtcNow();
                    if (_fileToken is null || _stale || now - _readAt >= Reread)
                    {
                        try
                        {
                            _fileToken = File.ReadAllText(file).Trim();
                            _readAt = now;
                            _stale = false;
                        }
                        catch (Exception e) when (_fileToken is not null && e is IOException or UnauthorizedAccessException)
                        {
                            // Keep the token read last; the next request tries the file again.
                        }
                    }

                    return new AuthenticationHeaderValue("Bearer", _fileToken);
                }
            }

            if (!string.IsNullOrEmpty(connection.Token))
            {
                return new AuthenticationHeaderValue("Bearer", connection.Token);
            }

            return connection.Username is not null
                ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connection.Username}:{connection.Password}")))
                : null;
        }
    }
}
