using System.ComponentModel.DataAnnotations;
using BackupOperator.Operator.Diagnostics;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controller;

/// <summary>Whether this replica may act.</summary>
public interface ILeadershipGate
{
    bool IsLeader { get; }

    Task WaitForLeadershipAsync(CancellationToken cancellationToken);
}

/// <summary>Section "LeaderElection".</summary>
public sealed class LeaderElectionOptions
{
    public const string Section = "LeaderElection";

    public bool Enabled { get; set; } = true;

    [Required]
    public string LeaseName { get; set; } = "backup-operator-leader";

    /// <summary>Default: the Pod's namespace, else "default".</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>Default: the Pod name (POD_NAME) or host name, plus a random suffix.</summary>
    public string? Identity { get; set; }

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// A coordination.k8s.io/v1 Lease held with KubernetesClient's LeaderElector. Losing it stops the
/// process (a restart is the clean way to drop in-flight work); a graceful stop releases it so a
/// successor takes over at once.
/// </summary>
public sealed class LeaderElectionService(
    IKubernetes client,
    IOptions<LeaderElectionOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<LeaderElectionService> logger) : BackgroundService, ILeadershipGate
{
    private const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _isLeader;
    private volatile bool _stopping;
    private LeaseLock? _lock;

    public bool IsLeader => _isLeader;

    public string LeaseNamespace => options.Value.LeaseNamespace
        ?? (File.Exists(NamespaceFile) ? File.ReadAllText(NamespaceFile).Trim() : "default");

    public string Identity { get; } = options.Value.Identity
        ?? $"{Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName}_{Guid.NewGuid().ToString("N")[..8]}";

    public Task WaitForLeadershipAsync(CancellationToken cancellationToken) => _leading.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            _isLeader = true;
            _leading.TrySetResult();
            return;
        }

        _lock = new LeaseLock(client, LeaseNamespace, o.LeaseName, Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(_lock)
        {
            LeaseDuration = o.LeaseDuration,
            RenewDeadline = o.RenewDeadline,
            RetryPeriod = o.RetryPeriod,
        });
        elector.OnStartedLeading += () =>
        {
            _isLeader = true;
            _leading.TrySetResult();
            Log.StartedLeading(logger, Identity, LeaseNamespace, o.LeaseName);
        };
        elector.OnStoppedLeading += () =>
        {
            var wasLeader = _isLeader;
            _isLeader = false;
            if (wasLeader && !_stopping)
            {
                Log.StoppedLeading(logger, Identity, LeaseNamespace, o.LeaseName);
                lifetime.StopApplication();
            }
        };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The elector throws when the API server cannot be reached: try again.
                Log.LeaderElectionError(logger, e.Message);
                await Task.Delay(o.RetryPeriod, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var wasLeader = _isLeader;
        await base.StopAsync(cancellationToken);
        if (wasLeader && _lock is not null)
        {
            await ReleaseAsync(_lock, cancellationToken);
        }
    }

    private async Task ReleaseAsync(LeaseLock leaseLock, CancellationToken cancellationToken)
    {
        try
        {
            var record = await leaseLock.GetAsync(cancellationToken);
            if (record.HolderIdentity != Identity)
            {
                return;
            }

            // An expired record with no holder: any candidate takes it on its next try.
            record.HolderIdentity = string.Empty;
            record.LeaseDurationSeconds = 1;
            record.RenewTime = DateTime.UtcNow.AddSeconds(-10);
            await leaseLock.UpdateAsync(record, cancellationToken);
            Log.LeaseReleased(logger, LeaseNamespace, options.Value.LeaseName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.LeaderElectionError(logger, $"lease not released: {e.Message}");
        }
    }
}

/// <summary>For tests and single-replica runs: always the leader.</summary>
public sealed class AlwaysLeader : ILeadershipGate
{
    public bool IsLeader => true;

    public Task WaitForLeadershipAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
