using BackupOperator.KubeClient;
using k8s.LeaderElection;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// A coordination.k8s.io/v1 Lease (<see cref="LeaseLock"/>) held with KubernetesClient's LeaderElector. Losing it (e.g. the
/// API server was away longer than the renew deadline) cancels the leadership token, which stops
/// every reconcile, and the replica becomes a candidate again; a graceful stop releases the lease
/// so a successor takes over at once.
/// </summary>
public sealed partial class LeaderElectionService(
    KubeApiClient client,
    IOptions<LeaderElectionOptions> options,
    OperatorIdentity identity,
    ILogger<LeaderElectionService> logger) : BackgroundService, ILeadershipGate
{
    private const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    private readonly object _gate = new();
    private TaskCompletionSource<CancellationToken> _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _term = new();
    private volatile bool _isLeader;
    private volatile bool _stopping;
    private ILock? _lock;
    private readonly ILock? _leaseLock;

    /// <summary>With the given lease lock instead of a Lease on the API server (tests).</summary>
    internal LeaderElectionService(
        KubeApiClient client,
        IOptions<LeaderElectionOptions> options,
        OperatorIdentity identity,
        ILogger<LeaderElectionService> logger,
        ILock leaseLock)
        : this(client, options, identity, logger) => _leaseLock = leaseLock;

    public bool IsLeader => _isLeader;

    public string LeaseNamespace => options.Value.LeaseNamespace
        ?? (File.Exists(NamespaceFile) ? File.ReadAllText(NamespaceFile).Trim() : "default");

    public string Identity => identity.Name;

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
        _lock = new DeadlineLock(_leaseLock ?? new LeaseLock(client, LeaseNamespace, o.LeaseName, Identity), callTimeout);
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

            LogStartedLeading(logger, Identity, LeaseNamespace, o.LeaseName);
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
                LogStoppedLeading(logger, Identity, LeaseNamespace, o.LeaseName);
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
                LogLeaderElectionError(logger, e.Message);
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
            LogLeaseReleased(logger, LeaseNamespace, options.Value.LeaseName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeaderElectionError(logger, $"lease not released: {e.Message}");
        }
    }

    [LoggerMessage(1007, LogLevel.Information, "Leading: {Identity} holds lease {Namespace}/{Lease}")]
    private static partial void LogStartedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1008, LogLevel.Warning, "Leadership of lease {Namespace}/{Lease} lost by {Identity}; reconciles stopped, standing as a candidate again")]
    private static partial void LogStoppedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1009, LogLevel.Warning, "Leader election error, retrying: {Error}")]
    private static partial void LogLeaderElectionError(ILogger logger, string error);

    [LoggerMessage(1010, LogLevel.Information, "Released lease {Namespace}/{Lease} on shutdown")]
    private static partial void LogLeaseReleased(ILogger logger, string @namespace, string lease);
}
