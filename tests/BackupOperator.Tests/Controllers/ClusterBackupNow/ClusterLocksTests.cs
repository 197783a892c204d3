using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Controllers.ClusterBackupNow;

/// <summary>One reconcile per cluster at a time; a lock lives only while it is held or awaited.</summary>
public sealed class ClusterLocksTests
{
    [Fact]
    public async Task A_second_reconcile_of_a_cluster_waits_until_the_first_releases()
    {
        var locks = new ClusterLocks();
        var first = await locks.AcquireAsync(Cluster(8), CancellationToken.None);

        var second = locks.AcquireAsync(Cluster(8), CancellationToken.None);
        var other = await locks.AcquireAsync(Cluster(9), CancellationToken.None);

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task Different_clusters_are_reconciled_in_parallel()
    {
        var locks = new ClusterLocks();
        using var first = await locks.AcquireAsync(Cluster(8), CancellationToken.None);

        var other = locks.AcquireAsync(Cluster(9), CancellationToken.None);

        Assert.True(other.IsCompleted);
        Assert.Equal(2, locks.Count);
        (await other).Dispose();
    }

    [Fact]
    public async Task A_lock_handed_to_a_waiter_stays_exclusive_and_is_removed_only_after_its_last_user()
    {
        var locks = new ClusterLocks();
        var first = await locks.AcquireAsync(Cluster(8), CancellationToken.None);
        var second = locks.AcquireAsync(Cluster(8), CancellationToken.None);

        first.Dispose();
        var secondHeld = await second.WaitAsync(TimeSpan.FromSeconds(5));

        // The first holder left, but the lock is in use: a newcomer must wait, not get a fresh lock.
        Assert.Equal(1, locks.Count);
        var third = locks.AcquireAsync(Cluster(8), CancellationToken.None);
        Assert.False(third.IsCompleted);
        secondHeld.Dispose();
        var thirdHeld = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, locks.Count);
        thirdHeld.Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Locks_of_clusters_nobody_holds_are_gone()
    {
        var locks = new ClusterLocks();
        for (long cluster = 1; cluster <= 1000; cluster++)
        {
            using var held = await locks.AcquireAsync(Cluster(cluster), CancellationToken.None);
        }

        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_nothing_behind_and_the_holder_keeps_the_lock()
    {
        var locks = new ClusterLocks();
        var held = await locks.AcquireAsync(Cluster(8), CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = locks.AcquireAsync(Cluster(8), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, locks.Count);
        var third = locks.AcquireAsync(Cluster(8), CancellationToken.None);
        Assert.False(third.IsCompleted);
        held.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Releasing_twice_releases_once()
    {
        var locks = new ClusterLocks();
        var held = await locks.AcquireAsync(Cluster(8), CancellationToken.None);
        var waiting = locks.AcquireAsync(Cluster(8), CancellationToken.None);
        held.Dispose();
        var second = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        held.Dispose();

        Assert.False(locks.AcquireAsync(Cluster(8), CancellationToken.None).IsCompleted);
        second.Dispose();
    }

    [Fact]
    public async Task One_cluster_id_on_two_OCPs_is_two_clusters()
    {
        var locks = new ClusterLocks();
        using var staging = await locks.AcquireAsync(new OcpCluster("https://ocp-staging:443", 5), CancellationToken.None);

        var production = locks.AcquireAsync(new OcpCluster("https://ocp-prod:443", 5), CancellationToken.None);
        var stagingAgain = locks.AcquireAsync(new OcpCluster("https://ocp-staging:443", 5), CancellationToken.None);

        Assert.True(production.IsCompletedSuccessfully);
        Assert.False(stagingAgain.IsCompleted);
        (await production).Dispose();
        staging.Dispose();
        (await stagingAgain.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    private static OcpCluster Cluster(long id) => new("http://ocp.test:80", id);
}
