using System.Diagnostics;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>The operator as users run it out of cluster: its own process, a kubeconfig, environment configuration.</summary>
internal sealed class OperatorProcess : IDisposable
{
    private readonly ChildProcess _process;

    private OperatorProcess(ChildProcess process, int port, string? identity)
    {
        _process = process;
        Port = port;
        Identity = identity;
    }

    public int Port { get; }

    /// <summary>Its leader-election identity, when the settings name one.</summary>
    public string? Identity { get; }
    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public string Log => _process.ReadLog();
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    /// <summary>Fast timings so the tests finish in seconds; everything else as shipped.</summary>
    public static Dictionary<string, string?> TestSettings(string kubeconfig, string identity) => new()
    {
        ["KUBECONFIG"] = kubeconfig,
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Trace",
        ["Logging__LogLevel__System.Net.Http"] = "Trace",
        ["Backup__PollInterval"] = "00:00:00.300",
        ["Backup__BusyRecheckInterval"] = "00:00:00.500",
        ["Backup__SubmissionSettleDelay"] = "00:00:00.300",
        ["Backup__RetryInterval"] = "00:00:00.300",
        ["Backup__MaxRetryInterval"] = "00:00:02",
        ["Backup__RecoveryQuietPeriod"] = "00:00:05", // > Ocp__RequestTimeout, and > the simulator's 4 s delay faults
        ["Backup__DenialConfirmation"] = "00:00:08", // > an API server's RBAC warm-up after a restart under load
        ["Ocp__RequestTimeout"] = "00:00:03",
        ["Connections__RecheckInterval"] = "00:00:05",
        ["Connections__RetryInterval"] = "00:00:00.500",
        ["Connections__MaxRetryInterval"] = "00:00:02",
        ["LeaderElection__LeaseNamespace"] = "backup-operator-system",
        ["LeaderElection__Identity"] = identity,
        ["LeaderElection__LeaseDuration"] = "00:00:04",
        ["LeaderElection__RenewDeadline"] = "00:00:03",
        ["LeaderElection__RetryPeriod"] = "00:00:00.500",
    };

    /// <param name="dll">Another build of the operator (e.g. a published one: a .dll run with dotnet, or a native binary),
    /// run from its own directory as in the image; without it, the build under test (<see cref="RepoPaths.OperatorBinary"/>
    /// or the solution's build).</param>
    public static async Task<OperatorProcess> StartAsync(string logPath, IDictionary<string, string?> settings, CancellationToken ct, bool waitReady = true, string? dll = null)
    {
        var port = KubeApiServer.FreePort();
        var env = new Dictionary<string, string?>(settings) { ["Http__Url"] = $"http://127.0.0.1:{port}/" };
        // A native binary (BACKUP_OPERATOR_BINARY) runs from its own directory, as in the image.
        var native = dll is null ? RepoPaths.OperatorBinary : dll.EndsWith(".dll", StringComparison.Ordinal) ? null : dll;
        var child = native is not null
            ? ChildProcess.Start(native, [], logPath, env, Path.GetDirectoryName(native))
            : ChildProcess.Start("dotnet", [dll ?? RepoPaths.OperatorDll], logPath, env, dll is null ? null : Path.GetDirectoryName(dll));
        var op = new OperatorProcess(child, port, settings.TryGetValue("LeaderElection__Identity", out var identity) ? identity : null);
        if (waitReady)
        {
            await op.WaitReadyAsync(TimeSpan.FromSeconds(60), ct);
        }

        return op;
    }

    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("operator exited during start:\n" + Tail(Log));
            }

            try
            {
                if ((await http.GetAsync(new Uri(BaseUri, "/readyz"), ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // slow start
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException("operator not ready:\n" + Tail(Log));
    }

    public void Kill() => _process.Kill();

    public bool Terminate(TimeSpan timeout) => _process.Terminate(timeout);

    public static string Tail(string log, int lines = 60) => string.Join('\n', log.Split('\n').TakeLast(lines));

    public void Dispose() => _process.Dispose();
}
