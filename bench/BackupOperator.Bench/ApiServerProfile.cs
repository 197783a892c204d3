using System.Globalization;
using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.Bench;

/// <summary>
/// BENCH_APISERVER_PPROF: the kube-apiserver's Go CPU profile over one timed run. Its /debug/pprof/profile
/// (on by default, for the admin token's system:masters) blocks for ?seconds=N and only one profile runs at a
/// time, so 1 s profiles are fetched back to back from the run's start until <see cref="StopAsync"/>: they
/// cover the run and at most ~1 s after it. Each is written to DIR/&lt;label&gt;/NNN.pb.gz, and
/// DIR/&lt;label&gt;/meta.txt says how many backups and seconds they cover (bench/apiserver-pprof.sh merges
/// and summarizes them).
/// </summary>
internal sealed class ApiServerProfile
{
    private readonly string _directory;
    private readonly Task<int> _loop;
    private readonly DateTime _started = DateTime.UtcNow;
    private volatile bool _stopping;

    private ApiServerProfile(string directory, BenchEnvironment env, CancellationToken ct)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        foreach (var old in Directory.GetFiles(directory, "*.pb.gz"))
        {
            File.Delete(old); // a DIR used before: only this run's profiles are merged
        }

        _loop = FetchUntilStoppedAsync(env.Api.Url, ct);
    }

    /// <summary>Starts profiling when <paramref name="root"/> (BENCH_APISERVER_PPROF) is set; null otherwise.</summary>
    public static ApiServerProfile? Start(string? root, string label, BenchEnvironment env, CancellationToken ct) =>
        root is null ? null : new ApiServerProfile(Path.Combine(root, label), env, ct);

    private async Task<int> FetchUntilStoppedAsync(string apiServer, CancellationToken ct)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", KubeApiServer.AdminToken);
        var chunks = 0;
        while (!_stopping)
        {
            // Not cancelled by StopAsync: the profile running when the run ends is finished, so it holds the run's last second.
            var bytes = await http.GetByteArrayAsync(new Uri($"{apiServer}/debug/pprof/profile?seconds=1"), ct);
            await File.WriteAllBytesAsync(Path.Combine(_directory, $"{chunks++:D3}.pb.gz"), bytes, ct);
        }

        return chunks;
    }

    /// <summary>Ends profiling after the running 1 s profile and writes meta.txt.</summary>
    public async Task StopAsync(int backups, double runSeconds)
    {
        _stopping = true;
        var chunks = await _loop;
        var profiled = (DateTime.UtcNow - _started).TotalSeconds;
        await File.WriteAllTextAsync(Path.Combine(_directory, "meta.txt"), string.Create(CultureInfo.InvariantCulture,
            $"backups={backups} run_seconds={runSeconds:F2} profiles={chunks} profiled_seconds={profiled:F2}\n"));
    }
}
