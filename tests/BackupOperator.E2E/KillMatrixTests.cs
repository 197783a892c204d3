using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>
/// kill -9 at each failpoint of a backup's way (the real operator process, armed through
/// BACKUPOPERATOR_FAILPOINTS), then a restart without failpoints: the backup ends Succeeded, its
/// status names exactly the task OCP started, and OCP started exactly one.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class KillMatrixTests(E2EEnvironment env)
{
    internal const string FailpointsVariable = "BACKUPOPERATOR_FAILPOINTS";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Theory]
    [InlineData("after-intent-write", 311L)]
    [InlineData("after-post-sent", 312L)]
    [InlineData("after-answer-before-status-write", 313L)]
    [InlineData("after-status-write-running", 314L)]
    public async Task Killed_at_a_failpoint_the_backup_completes_once_after_restart(string failpoint, long clusterId)
    {
        var ct = TestTimeout.Token(4);
        var name = $"kill-at-{clusterId}";
        var postReachedOcp = failpoint != "after-intent-write";
        var tasksWritten = failpoint == "after-status-write-running";
        OperatorProcess? armed = null;
        try
        {
            // Armed for this test's cluster only: a backup another test left active cannot trip it.
            await env.RestartOperatorAsync(ct, new Dictionary<string, string?> { [FailpointsVariable] = $"{failpoint}@{clusterId}=kill" });
            armed = env.Operator;
            await env.CreateBackupAsync(Backups.Nfs(name, clusterId), ct);

            await env.UntilAsync(() => Task.FromResult(armed.HasExited), Timeout, $"the operator's exit at {failpoint}", ct, logOf: armed);
            // Its last lines reach the log file after the exit: the pipe is drained asynchronously.
            await env.UntilAsync(() => Task.FromResult(armed.Log.Contains($"Failpoint {failpoint} fired at ", StringComparison.Ordinal)),
                Timeout, $"'Failpoint {failpoint} fired' in the dead operator's log", ct, logOf: armed);
            var fired = armed.Log.Split('\n').SkipWhile(l => !l.Contains($"Failpoint {failpoint} fired at ", StringComparison.Ordinal)).First();
            Assert.Matches($@"clusters/{clusterId}/|\(cluster {clusterId}\)", fired);
            Assert.Contains($"Failpoint {failpoint} armed: kill (cluster {clusterId})", armed.Log, StringComparison.Ordinal);

            // What the crash left behind: an intent, and OCP's side as far as it got.
            var orphan = await env.GetBackupAsync(name, ct);
            Assert.NotNull(orphan.Status?.RequestId);
            Assert.Equal(tasksWritten ? BackupPhase.Running : BackupPhase.Submitting, orphan.Status!.Phase);
            Assert.Equal(tasksWritten, orphan.Status.TaskIds is { Count: > 0 });
            Assert.Equal(postReachedOcp ? 1 : 0, await env.Simulator.PostsAsync(clusterId, ct));

            await env.RestartOperatorAsync(ct);
            var done = await env.WaitForPhaseAsync(name, Terminal, Timeout, ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            var ocpTasks = await env.Simulator.TaskIdsAsync(clusterId, ct);
            Assert.Single(ocpTasks);
            Assert.Equal(ocpTasks, done.Status.TaskIds);
            Assert.Equal(1, await env.Simulator.StartedAsync(clusterId, ct));
            Assert.Equal(1, await env.Simulator.PostsAsync(clusterId, ct));
            Assert.Equal(orphan.Status.RequestId, done.Status.RequestId);
            // A POST whose answer died with the operator is adopted, never sent again.
            Assert.Equal(postReachedOcp && !tasksWritten, done.Status.Adopted == true);
        }
        finally
        {
            if (env.Operator.HasExited || ReferenceEquals(env.Operator, armed))
            {
                await env.RestartOperatorAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task A_failpoint_spec_that_cannot_be_read_stops_the_operator_at_start()
    {
        var ct = TestTimeout.Token(2);
        using var op = await env.StartOperatorAsync(ct, new Dictionary<string, string?> { [FailpointsVariable] = "after-intent-writ=kill" }, waitReady: false);
        const string expected = "BACKUPOPERATOR_FAILPOINTS: unknown failpoint 'after-intent-writ'; known: after-intent-write";
        await env.UntilAsync(() => Task.FromResult(op.HasExited && op.Log.Contains(expected, StringComparison.Ordinal)),
            Timeout, "the operator's exit with a clear error on the bad failpoint spec", ct, logOf: op);
    }
}
