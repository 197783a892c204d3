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

    /// <summary>Completes once this replica leads, with a token that is cancelled when it stops leading.</summary>
    Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken);

    /// <summary>Raised when leadership is lost: whatever this replica knew alone may be stale now.</summary>
    event Action? LeadershipLost;
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
/// A coordination.k8s.io/v1 Lease held with KubernetesClient's LeaderElector. Losing it (e.g. the
/// API server was away longer than the renew deadline) cancels the leadership token, which stops
/// every reconcile, and the replica becomes a candidate again; a graceful stop releases the lease
/// so a successor takes over at once.
/// </summary>
public sealed class LeaderElectionService(
    IKubernetes client,
    IOptions<LeaderElectionOptions> options,
    ILogger<LeaderElectionService> logger) : BackgroundService, ILeadershipGate
{
    private const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    private readonly object _gate = new();
    private TaskCompletionSource<CancellationToken> _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _term = new();
    private volatile bool _isLeader;
    private volatile bool _stopping;
    private ILock? _lock;

    public bool IsLeader => _isLeader;

    public string LeaseNamespace => options.Value.LeaseNamespace
        ?? (File.Exists(NamespaceFile) ? File.ReadAllText(NamespaceFile).Trim() : "default");

    public string Identity { get; } = options.Value.Identity
        ?? $"{Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName}_{Guid.NewGuid().ToString("N")[..8]}";

    public event Action? LeadershipLost;

    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _leading.Task.WaitAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            _isLeader = true;
            _leading.TrySetResult(CancellationToken.None);
            return;
        }

        // Every lease call ends before the renew deadline: see DeadlineLock.
        var callTimeout = o.RenewDeadline - o.RetryPeriod > TimeSpan.FromSeconds(1) ? o.RenewDeadline - o.RetryPeriod : TimeSpan.FromSeconds(1);
        _lock = new DeadlineLock(new LeaseLock(client, LeaseNamespace, o.LeaseName, Identity), callTimeout);
        using var elector = new LeaderElector(new LeaderElectionConfig(_lock)
        {
            LeaseDuration = o.LeaseDuration,
            RenewDeadline = o.RenewDeadline,
            RetryPeriod = o.RetryPeriod,
        });
        elector.OnStartedLeading += () =>
        {
            lock (_gate)
            {
                _isLeader = true;
                _leading.TrySetResult(_term.Token);
            }

            Log.StartedLeading(logger, Identity, LeaseNamespace, o.LeaseName);
        };
        elector.OnStoppedLeading += () =>
        {
            CancellationTokenSource ended;
            lock (_gate)
            {
                if (!_isLeader)
                {
                    return;
                }

                // Swap in the next term first: a worker resumed by the cancellation below must find
                // the new, pending leadership task, not the old completed one.
                _isLeader = false;
                ended = _term;
                _term = new CancellationTokenSource();
                _leading = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            // Outside the lock: cancellation runs the reconciles' callbacks on this thread.
            ended.Cancel();
            ended.Dispose();
            if (!_stopping)
            {
                Log.StoppedLeading(logger, Identity, LeaseNamespace, o.LeaseName);
            }

            LeadershipLost?.Invoke();
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

    private async Task ReleaseAsync(ILock leaseLock, CancellationToken cancellationToken)
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
