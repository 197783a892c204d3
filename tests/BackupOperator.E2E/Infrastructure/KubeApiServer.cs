using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// A real etcd + kube-apiserver on loopback (no nodes, like envtest), provisioned by
/// hack/install-apiserver.sh. Both processes are stopped by pid on Dispose.
/// </summary>
internal sealed class KubeApiServer : IDisposable
{
    public const string AdminToken = "e2e-admin-token";

    /// <summary>The user a client certificate from <see cref="ClientCaPath"/> names (its CN).</summary>
    public const string CertificateUser = "backup-operator-cert";
    private readonly List<ChildProcess> _processes = [];

    /// <summary>The process ids of etcd and kube-apiserver (for the benchmark's CPU accounting).</summary>
    public (int Etcd, int ApiServer) Pids => (_processes[^2].Pid, _processes[^1].Pid);

    private KubeApiServer(string dir) => Directory = dir;

    public string Directory { get; }
    public int Port { get; private set; }
    public string Url => $"https://127.0.0.1:{Port}";
    public string AdminKubeconfig => Path.Combine(Directory, "admin.kubeconfig");
    private string EtcdData => Path.Combine(Directory, "etcd");
    private string ClientCaPath => Path.Combine(Directory, "client-ca.crt");
    private int _etcdPort;
    private int _etcdPeerPort;
    private string _binDir = "";

    public static async Task<KubeApiServer> StartAsync(CancellationToken ct)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("backup-operator-e2e-").FullName;
        var server = new KubeApiServer(dir);
        try
        {
            server._binDir = await ProvisionAsync(ct);
            server._etcdPort = FreePort();
            server._etcdPeerPort = FreePort();
            server.Port = FreePort();
            await server.WriteAuthFilesAsync(ct);
            await server.StartEtcdAsync(ct);
            await server.StartApiServerAsync(ct);
            server.WriteKubeconfig(server.AdminKubeconfig, AdminToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public IKubernetes AdminClient() => Client(AdminToken);

    public IKubernetes Client(string token) => new k8s.Kubernetes(new KubernetesClientConfiguration
    {
        Host = Url,
        AccessToken = token,
        SkipTlsVerify = true,
    });

    /// <summary>A kubeconfig for <paramref name="token"/>, as a user or the operator would have.</summary>
    /// <param name="port">Another port on 127.0.0.1 that leads here (a TCP proxy): the serving certificate's
    /// SANs name hosts, not ports, so 127.0.0.1 still matches; the test kubeconfigs skip verification anyway.</param>
    public void WriteKubeconfig(string path, string token, int? port = null) => WriteUserKubeconfig(path, port, $"token: {token}");

    /// <summary>
    /// A kubeconfig for <paramref name="token"/> that verifies the serving certificate, as kubectl does: against
    /// <paramref name="caFile"/> alone, or against the system's trust (SSL_CERT_FILE) when it is null.
    /// </summary>
    public void WriteVerifyingKubeconfig(string path, string token, string? caFile) =>
        WriteKubeconfigFile(path, null, caFile is null ? [] : [$"certificate-authority: {caFile}"], $"token: {token}");

    /// <summary>
    /// The CA that signed the serving certificate the API server made itself: the second certificate of
    /// certs/apiserver.crt (kube-apiserver writes its self-signed certificate followed by its CA), as a PEM file.
    /// </summary>
    public string ServingCaFile()
    {
        var chain = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        chain.ImportFromPemFile(Path.Combine(Directory, "certs", "apiserver.crt"));
        if (chain.Count != 2 || chain[1].Subject != chain[1].Issuer || chain[0].Issuer != chain[1].Subject)
        {
            throw new InvalidOperationException($"certs/apiserver.crt is not a certificate and its self-signed CA: {string.Join("; ", chain.Select(c => c.Subject))}");
        }

        var path = Path.Combine(Directory, "serving-ca.crt");
        File.WriteAllText(path, chain[1].ExportCertificatePem());
        return path;
    }

    /// <summary>A kubeconfig that proves <see cref="CertificateUser"/> by a client certificate (PEM files in this directory).</summary>
    public void WriteClientCertificateKubeconfig(string path) => WriteUserKubeconfig(path, null,
        $"client-certificate: {Path.Combine(Directory, "operator-client.crt")}",
        $"client-key: {Path.Combine(Directory, "operator-client.key")}");

    /// <summary>A kubeconfig whose user is an exec credential plugin: <paramref name="command"/> prints an ExecCredential.</summary>
    public void WriteExecKubeconfig(string path, string command, string apiVersion) => WriteUserKubeconfig(path, null,
        "exec:", $"  apiVersion: {apiVersion}", $"  command: {command}", "  args: [--for, e2e]", "  interactiveMode: Never", "  installHint: the E2E suite writes it");

    /// <summary>A kubeconfig whose token is read from <paramref name="tokenFile"/>, as a rotated credential is.</summary>
    public void WriteTokenFileKubeconfig(string path, string tokenFile) => WriteUserKubeconfig(path, null, $"tokenFile: {tokenFile}");

    /// <summary>A kubeconfig for this API server whose user is given by <paramref name="user"/>, one field a line.</summary>
    private void WriteUserKubeconfig(string path, int? port, params string[] user) => WriteKubeconfigFile(path, port, ["insecure-skip-tls-verify: true"], user);

    /// <summary>A kubeconfig for this API server: <paramref name="tls"/> and <paramref name="user"/> one field a line.</summary>
    private void WriteKubeconfigFile(string path, int? port, string[] tls, params string[] user) => File.WriteAllText(path, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: https://127.0.0.1:{port ?? Port}
            {string.Join("\n    ", tls)}
        users:
        - name: user
          user:
            {string.Join("\n    ", user)}
        contexts:
        - name: local
          context: {"{"}cluster: local, user: user{"}"}
        current-context: local
        """);

    /// <summary>Stops the API server (etcd keeps the data) and starts it again on the same port.</summary>
    public async Task RestartApiServerAsync(CancellationToken ct)
    {
        var api = _processes[^1];
        api.Kill();
        _processes.Remove(api);
        api.Dispose();
        await StartApiServerAsync(ct);
    }

    private static async Task<string> ProvisionAsync(CancellationToken ct)
    {
        var script = Path.Combine(RepoPaths.Root, "hack", "install-apiserver.sh");
        var info = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"hack/install-apiserver.sh failed with exit code {p.ExitCode}");
        }

        return output.Trim().Split('\n')[^1].Trim();
    }

    private async Task WriteAuthFilesAsync(CancellationToken ct)
    {
        await File.WriteAllTextAsync(Path.Combine(Directory, "tokens.csv"), $"{AdminToken},admin,admin-uid,\"system:masters\"\n", ct);
        TestCertificates.WriteClientAuthority(ClientCaPath, Path.Combine(Directory, "operator-client.crt"), Path.Combine(Directory, "operator-client.key"), CertificateUser);
        await RunAsync("openssl", ["genrsa", "-out", Path.Combine(Directory, "sa.key"), "2048"], ct);
        await RunAsync("openssl", ["rsa", "-in", Path.Combine(Directory, "sa.key"), "-pubout", "-out", Path.Combine(Directory, "sa.pub")], ct);
    }

    private async Task StartEtcdAsync(CancellationToken ct)
    {
        _processes.Add(ChildProcess.Start(Path.Combine(_binDir, "etcd"),
        [
            "--data-dir", EtcdData,
            "--listen-client-urls", $"http://127.0.0.1:{_etcdPort}",
            "--advertise-client-urls", $"http://127.0.0.1:{_etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{_etcdPeerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{_etcdPeerPort}",
            "--initial-cluster", $"default=http://127.0.0.1:{_etcdPeerPort}",
            "--unsafe-no-fsync",
        ], Path.Combine(Directory, "etcd.log")));
        using var http = new HttpClient();
        await WaitUntilAsync(async () => (await http.GetAsync(new Uri($"http://127.0.0.1:{_etcdPort}/health"), ct)).IsSuccessStatusCode, "etcd", ct);
    }

    private async Task StartApiServerAsync(CancellationToken ct)
    {
        _processes.Add(ChildProcess.Start(Path.Combine(_binDir, "kube-apiserver"),
        [
            $"--etcd-servers=http://127.0.0.1:{_etcdPort}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            $"--secure-port={Port}",
            $"--cert-dir={Path.Combine(Directory, "certs")}",
            "--service-cluster-ip-range=10.0.0.0/24",
            $"--token-auth-file={Path.Combine(Directory, "tokens.csv")}",
            $"--client-ca-file={ClientCaPath}",
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc",
            $"--service-account-key-file={Path.Combine(Directory, "sa.pub")}",
            $"--service-account-signing-key-file={Path.Combine(Directory, "sa.key")}",
            "--disable-admission-plugins=ServiceAccount",
        ], Path.Combine(Directory, "kube-apiserver.log")));
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        await WaitUntilAsync(async () => (await http.GetAsync(new Uri($"{Url}/readyz"), ct)).IsSuccessStatusCode, "kube-apiserver", ct);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> ready, string what, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException($"{what} not ready within 60 s");
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await p.StandardError.ReadToEndAsync(ct)}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
        if (Environment.GetEnvironmentVariable("BACKUP_OPERATOR_KEEP_E2E") is null)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a file still held open is left in the temp directory
            }
        }
    }
}
