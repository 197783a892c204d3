using BackupOperator.Operator.Runtime;
using k8s.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Runtime;

/// <summary>A lease call that hangs (an API server cut off) ends at its deadline instead of running on after a heal.</summary>
public sealed class DeadlineLockTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_hanging_lease_update_ends_at_the_deadline_and_is_cancelled()
    {
        var time = new FakeTimeProvider();
        var inner = new HangingLock();
        var deadlineLock = new DeadlineLock(inner, Deadline, time);

        var update = deadlineLock.UpdateAsync(new LeaderElectionRecord { HolderIdentity = "a" });
        time.Advance(Deadline - TimeSpan.FromSeconds(1));
        Assert.False(update.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<Exception>(() => update.WaitAsync(TimeSpan.FromSeconds(10)));
        // The abandoned call must be cancelled, not left to finish after a heal.
        await inner.Cancelled.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, inner.Completed);
    }

    [Fact]
    public async Task Answers_within_the_deadline_pass_through()
    {
        var inner = new HangingLock { Answer = true };
        var deadlineLock = new DeadlineLock(inner, Deadline, new FakeTimeProvider());

        Assert.True(await deadlineLock.CreateAsync(new LeaderElectionRecord()));
        Assert.Equal("a", (await deadlineLock.GetAsync()).HolderIdentity);
        Assert.Equal("replica-a", deadlineLock.Identity);
    }

    /// <summary>A lock whose calls hang until cancelled, unless told to answer.</summary>
    private sealed class HangingLock : ILock
    {
        public bool Answer { get; init; }
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a hanging call was cancelled.</summary>
        public Task Cancelled => _cancelled.Task;

        public int Completed { get; private set; }
        public string Identity => "replica-a";

        public string Describe() => "test lock";

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) =>
            RunAsync(new LeaderElectionRecord { HolderIdentity = "a" }, cancellationToken);

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => RunAsync(true, cancellationToken);

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => RunAsync(true, cancellationToken);

        private async Task<T> RunAsync<T>(T value, CancellationToken cancellationToken)
        {
            if (!Answer)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _cancelled.TrySetResult();
                    throw;
                }
            }

            Completed++;
            return value;
        }
    }
}
