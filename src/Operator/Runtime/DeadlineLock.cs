using k8s.LeaderElection;

namespace BackupOperator.Operator.Runtime;

/// <summary>
/// A leader-election lock whose every call ends within <paramref name="callTimeout"/>. KubernetesClient's
/// elector gives up a renewal at the renew deadline but does not cancel it: during a partition its
/// calls hang, and after the heal the abandoned attempts run on beside the new ones, sharing the
/// lock's last read resourceVersion, so a replica that already stopped leading could write the lease
/// back over the new leader's. Cancelled here, an abandoned attempt ends (its call throws) before
/// the elector starts another.
/// </summary>
public sealed class DeadlineLock(ILock inner, TimeSpan callTimeout, TimeProvider? time = null) : ILock
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Identity => inner.Identity;

    public string Describe() => inner.Describe();

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) =>
        WithDeadlineAsync(ct => inner.GetAsync(ct), cancellationToken);

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        WithDeadlineAsync(ct => inner.CreateAsync(record, ct), cancellationToken);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        WithDeadlineAsync(ct => inner.UpdateAsync(record, ct), cancellationToken);

    private async Task<T> WithDeadlineAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(callTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var attempt = call(linked.Token);
        // The call is cancelled at the deadline; a call that ignores its token is abandoned all the same.
        return await attempt.WaitAsync(callTimeout, _time, cancellationToken);
    }
}
