using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.KubeClient;
using k8s;
using k8s.LeaderElection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupOperator.Tests.Runtime;

/// <summary>
/// The leader gate: reconciles run only while this replica holds the lease; losing it stops them and
/// the replica stands as a candidate again. KubernetesClient's elector waits with real delays, so the
/// lease periods here are short and every wait for the elector is bounded, never a fixed sleep.
/// </summary>
public sealed class LeaderElectionServiceTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly HttpClientHandler _api = new();
    private readonly FakeLeaseLock _lease = new("replica-a");

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Without_leader_election_the_replica_leads_at_once_for_good_and_never_touches_the_lease()
    {
        using var gate = Gate(enabled: false);
        await gate.StartAsync(CancellationToken.None);

        var term = await gate.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.True(gate.IsLeader);
        Assert.False(term.CanBeCanceled);
        await gate.StopAsync(CancellationToken.None);
        Assert.Equal(0, _lease.Calls);
    }

    [Fact]
    public async Task A_replica_that_cannot_reach_the_lease_does_not_lead()
    {
        _lease.Reachable = false;
        using var gate = Gate();
        await gate.StartAsync(CancellationToken.None);

        var leading = gate.WaitForLeadershipAsync(CancellationToken.None);
        await _lease.CalledAsync(3).WaitAsync(Bound);

        Assert.False(leading.IsCompleted);
        Assert.False(gate.IsLeader);
        await gate.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Acquiring_the_lease_opens_the_gate_with_a_live_token()
    {
        using var gate = Gate();
        await gate.StartAsync(CancellationToken.None);

        var term = await gate.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.True(gate.IsLeader);
        Assert.True(term.CanBeCanceled);
        Assert.False(term.IsCancellationRequested);
        Assert.Equal("replica-a", _lease.Holder);
        await gate.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Losing_the_lease_cancels_the_token_raises_LeadershipLost_and_stands_as_a_candidate_again()
    {
        using var gate = Gate();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.LeadershipLost += () => lost.TrySetResult();
        await gate.StartAsync(CancellationToken.None);
        var first = await gate.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(Bound);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = first.Register(() => cancelled.TrySetResult());

        // The API server goes away: renewals fail until the renew deadline passes.
        _lease.Reachable = false;
        await cancelled.Task.WaitAsync(Bound);
        await lost.Task.WaitAsync(Bound);

        Assert.False(gate.IsLeader);
        var again = gate.WaitForLeadershipAsync(CancellationToken.None);
        var triesSoFar = _lease.Calls;
        await _lease.CalledAsync(triesSoFar + 3).WaitAsync(Bound);
        Assert.False(again.IsCompleted);

        // It comes back: the candidate leads again, with a new, live token.
        _lease.Reachable = true;
        var second = await again.WaitAsync(Bound);

        Assert.True(gate.IsLeader);
        Assert.False(second.IsCancellationRequested);
        Assert.NotEqual(first, second);
        await gate.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_graceful_stop_hands_the_lease_back()
    {
        using var gate = Gate();
        await gate.StartAsync(CancellationToken.None);
        await gate.WaitForLeadershipAsync(CancellationToken.None).WaitAsync(Bound);

        await gate.StopAsync(CancellationToken.None);

        Assert.Equal(string.Empty, _lease.Holder);
    }

    private LeaderElectionService Gate(bool enabled = true) => new(
        TestKubeApi.Client(_api),
        Microsoft.Extensions.Options.Options.Create(new LeaderElectionOptions
        {
            Enabled = enabled,
            LeaseNamespace = "test",
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        }),
        new OperatorIdentity("replica-a"),
        NullLogger<LeaderElectionService>.Instance,
        _lease);

    /// <summary>A Lease in memory; unreachable, every call fails as it would with the API server away.</summary>
    private sealed class FakeLeaseLock(string identity) : ILock
    {
        private readonly Lock _gate = new();
        private readonly List<(int Calls, TaskCompletionSource Signal)> _waiters = [];
        private LeaderElectionRecord _record = new();
        private int _calls;

        public volatile bool Reachable = true;

        public string Identity => identity;

        public int Calls
        {
            get
            {
                lock (_gate)
                {
                    return _calls;
                }
            }
        }

        public string? Holder
        {
            get
            {
                lock (_gate)
                {
                    return _record.HolderIdentity;
                }
            }
        }

        public string Describe() => "test/lease";

        /// <summary>Completes once the lease has been called this many times in all.</summary>
        public Task CalledAsync(int calls)
        {
            lock (_gate)
            {
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_calls >= calls)
                {
                    signal.SetResult();
                }
                else
                {
                    _waiters.Add((calls, signal));
                }

                return signal.Task;
            }
        }

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) =>
            CallAsync(() => Copy(_record));

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
            CallAsync(() =>
            {
                if (_record.HolderIdentity is not null)
                {
                    return false;
                }

                _record = Copy(record);
                return true;
            });

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
            CallAsync(() =>
            {
                _record = Copy(record);
                return true;
            });

        private Task<T> CallAsync<T>(Func<T> answer)
        {
            lock (_gate)
            {
                _calls++;
                foreach (var waiter in _waiters.Where(w => w.Calls <= _calls).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Signal.SetResult();
                }

                return Reachable
                    ? Task.FromResult(answer())
                    : Task.FromException<T>(new HttpRequestException("Connection refused (kube.test:443)"));
            }
        }

        private static LeaderElectionRecord Copy(LeaderElectionRecord r) => new()
        {
            HolderIdentity = r.HolderIdentity,
            LeaseDurationSeconds = r.LeaseDurationSeconds,
            AcquireTime = r.AcquireTime,
            RenewTime = r.RenewTime,
            LeaderTransitions = r.LeaderTransitions,
        };
    }
}
