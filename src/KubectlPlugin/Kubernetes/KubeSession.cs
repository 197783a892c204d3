using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>
/// The API server and namespace the way kubectl finds them: --kubeconfig, else the files in
/// KUBECONFIG (merged, the first one's current-context wins), else ~/.kube/config, else the Pod's
/// service account when run in a cluster; --context picks another context; -n, else the context's
/// namespace, else "default". In a Pod the connection flags (--server, --token, --as ...) apply over the
/// service account. One <see cref="KubeApiClient"/> (BackupOperator.KubeClient) over it.
/// </summary>
public sealed class KubeSession(KubeApiClient client, HttpClient http, string ns, string server, TimeSpan requestTimeout) : IDisposable
{
    public const string DefaultNamespace = "default";

    /// <summary>How long one request may take (the connection included): an unreachable server fails the command instead of hanging it.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public KubeApiClient Client { get; } = client;

    /// <summary>The namespace commands act in.</summary>
    public string Namespace { get; } = ns;

    /// <summary>The API server's URL, for messages (without a password it may hold).</summary>
    public string Server { get; } = server;

    /// <summary>How long one request may take: --request-timeout, else <see cref="RequestTimeout"/>; infinite for 0.</summary>
    public TimeSpan Timeout { get; } = requestTimeout;

    /// <summary>Connects; <paramref name="ownsProcess"/> lets it leave the system's roots unread when the kubeconfig's CA (or no check) decides (<see cref="SystemTrust"/>).</summary>
    /// <param name="serviceAccountDirectory">Where a Pod's service account is (a test's stand-in).</param>
    public static KubeSession Open(KubeSettings settings, Func<string, string?> environment, bool ownsProcess = false,
        string serviceAccountDirectory = KubeConnection.ServiceAccountDirectory)
    {
        var connection = Connection(settings, environment, serviceAccountDirectory);
        if (string.IsNullOrEmpty(connection.Impersonate) && connection.ImpersonateGroups.Count > 0)
        {
            // As client-go refuses it (the API server answers a bare 500): groups are impersonated only with a user.
            throw new PluginException($"requesting groups or user-extra for {connection.Impersonate} without impersonating a user");
        }

        if (ownsProcess && OperatingSystem.IsLinux() && (connection.SkipTlsVerify || connection.CertificateAuthority is { Count: > 0 }))
        {
            SystemTrust.LoadEmpty();
        }

        var http = connection.CreateHttpClient();
        var timeout = connection.RequestTimeout ?? RequestTimeout;
        var client = new KubeApiClient(http, [EntityJsonContext.Default, PluginJsonContext.Default], timeout);
        var ns = NonEmpty(settings.Namespace) ?? NonEmpty(connection.Namespace) ?? DefaultNamespace;
        return new KubeSession(client, http, ns, KubeConnection.Redacted(connection.Server), timeout);
    }

    public static KubeConnection Connection(KubeSettings settings, Func<string, string?> environment, string serviceAccountDirectory = KubeConnection.ServiceAccountDirectory)
    {
        var files = KubeconfigFiles(settings.Kubeconfig, environment("KUBECONFIG"), environment("HOME"));
        if (files.Count == 0)
        {
            // As kubectl: the Pod's service account only when no kubeconfig was named (a --kubeconfig that does not
            // exist is an error naming it, not a fall-back to other credentials), with the flags over it.
            if (NonEmpty(settings.Kubeconfig) is null && settings.Context is null && KubeConnection.IsInCluster(serviceAccountDirectory, environment))
            {
                return KubeConnection.InCluster(serviceAccountDirectory, environment).With(settings.Overrides ?? ConnectionOverrides.None);
            }

            throw new PluginException(settings.Kubeconfig is not null || environment("KUBECONFIG") is { Length: > 0 }
                ? $"kubeconfig {settings.Kubeconfig ?? environment("KUBECONFIG")} not found"
                : $"no kubeconfig: {DefaultPath(environment("HOME"))} does not exist (set KUBECONFIG or pass --kubeconfig)");
        }

        try
        {
            return Kubeconfig.Load(files, (settings.Overrides ?? ConnectionOverrides.None) with { Context = NonEmpty(settings.Context) });
        }
        catch (Exception e) when (e is KubeconfigException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new PluginException($"kubeconfig {string.Join(Path.PathSeparator, files)}: {ApiErrors.OneLine(e.Message)}", ExitCodes.Error, e);
        }
    }

    /// <summary>
    /// The kubeconfig files to merge, in kubectl's precedence. A --kubeconfig that does not exist is
    /// returned (and fails to load, naming it); missing files in KUBECONFIG are skipped, as kubectl does.
    /// </summary>
    public static IReadOnlyList<string> KubeconfigFiles(string? flag, string? kubeconfigVariable, string? home)
    {
        if (NonEmpty(flag) is { } explicitFile)
        {
            return File.Exists(explicitFile) ? [explicitFile] : [];
        }

        if (NonEmpty(kubeconfigVariable) is { } list)
        {
            return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct(StringComparer.Ordinal).Where(File.Exists).ToList();
        }

        var path = DefaultPath(home);
        return File.Exists(path) ? [path] : [];
    }

    private static string DefaultPath(string? home) =>
        Path.Combine(NonEmpty(home) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public void Dispose() => http.Dispose();
}
