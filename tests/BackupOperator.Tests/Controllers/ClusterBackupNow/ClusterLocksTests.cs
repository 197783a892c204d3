using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

/// <summary>One reconcile per cluster at a time; a lock lives only while it is held or awaited.</summary>
public sealed class ClusterLocksTests
{
    [Fact]
    public async Task A_second_reconcile_of_a_cluster_waits_until_the_first_releases()
    {
        var locks = new ClusterLocks();
        var first = await locks.AcquireAsync(8, CancellationToken.None);

        var second = locks.AcquireAsync(8, CancellationToken.None);
        var other = await locks.AcquireAsync(9, CancellationToken.None);

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task Locks_of_clusters_nobody_holds_are_gone()
    {
        var locks = new ClusterLocks();
        for (long cluster = 1; cluster <= 1000; cluster++)
        {
            using var held = await locks.AcquireAsync(cluster, CancellationToken.None);
        }

        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_nothing_behind_and_the_holder_keeps_the_lock()
    {
        var locks = new ClusterLocks();
        var held = await locks.AcquireAsync(8, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = locks.AcquireAsync(8, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, locks.Count);
        var third = locks.AcquireAsync(8, CancellationToken.None);
        Assert.False(third.IsCompleted);
        held.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Releasing_twice_releases_once()
    {
        var locks = new ClusterLocks();
        var held = await locks.AcquireAsync(8, CancellationToken.None);
        var waiting = locks.AcquireAsync(8, CancellationToken.None);
        held.Dispose();
        var second = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        held.Dispose();

        Assert.False(locks.AcquireAsync(8, CancellationToken.None).IsCompleted);
        second.Dispose();
    }
}
