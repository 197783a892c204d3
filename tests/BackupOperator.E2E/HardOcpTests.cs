using System.Globalization;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using BackupOperator.OcpSimulator;

namespace BackupOperator.E2E;

/// <summary>
/// OCP as hard as it can be: other users' tasks around every POST, task ids that go backwards,
/// pages in any order without counts, statuses in any case, a task created after the client gave
/// up. Every backup still ends in exactly one backup started by its own POST, and OCP's other
/// tasks are never taken for it nor touched.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class HardOcpTests(E2EEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    /// <summary>Every setting this class turns on, off again (and the usual duration).</summary>
    private static readonly SimSettings Gentle = new(TaskDurationMs: 1500, ForeignTasks: false, TaskIdBlock: 0, TaskIdSeed: 0, ShufflePages: false, OmitPageCounts: false,
        StatusForm: "upper", DelayOutlivesDisconnect: false, FixDurationAtCreation: false);

    [Fact]
    public async Task A_lost_answers_task_numbered_below_the_high_water_mark_is_adopted_not_sent_again()
    {
        var ct = TestTimeout.Token();
        const long clusterId = 9501;
        await using var hard = await HardAsync(new SimSettings(TaskIdBlock: 50, TaskIdSeed: 0), ct); // each block handed out highest id first
        await env.Simulator.StartBackupDirectlyAsync(clusterId, ct);
        var earlier = Assert.Single(await env.Simulator.TaskIdsAsync(clusterId, ct));
        await env.Simulator.FinishTaskAsync(earlier, "SUCCESSFUL", ct);
        await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = "dropAfterAccept" }, ct);

        await env.CreateBackupAsync(Backups.Nfs("hard-below-mark", clusterId), ct);
        var done = await env.WaitForPhaseAsync("hard-below-mark", Terminal, Timeout, ct);

        var post = Assert.Single(await env.Simulator.PostsWithRequestIdAsync(done.Status!.RequestId, ct));
        Assert.True(post.TaskIds.Single() < earlier, $"precondition: the lost POST's task {post.TaskIds.Single()} is numbered below the earlier task {earlier}");
        Assert.Equal(BackupPhase.Succeeded, done.Status.Phase);
        Assert.True(done.Status.Adopted);
        Assert.Equal(post.TaskIds, done.Status.TaskIds);
        Assert.Equal(2, (await env.Simulator.TaskIdsAsync(clusterId, ct)).Count); // the earlier one and ours: no second backup
    }

    [Fact]
    public async Task Killed_with_the_post_in_flight_the_next_operator_adopts_its_task_numbered_below_the_mark()
    {
        var ct = TestTimeout.Token();
        const long clusterId = 9505;
        await using var hard = await HardAsync(new SimSettings(TaskIdBlock: 50, TaskIdSeed: 0, DelayOutlivesDisconnect: true), ct); // highest id first
        try
        {
            await env.Simulator.StartBackupDirectlyAsync(clusterId, ct);
            var earlier = Assert.Single(await env.Simulator.TaskIdsAsync(clusterId, ct));
            await env.Simulator.FinishTaskAsync(earlier, "SUCCESSFUL", ct);
            // OCP holds the POST 4 s and then starts the backup, although the operator that sent it is dead by then.
            await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = "delay", delayMs = 4000 }, ct);
            await env.CreateBackupAsync(Backups.Nfs("hard-crash", clusterId), ct);
            await env.UntilAsync(async () => await env.Simulator.PostsAsync(clusterId, ct) == 2, Timeout, "the operator's POST at OCP (after the earlier one)", ct);
            env.Operator.Kill();
            await env.UntilAsync(async () => (await env.Simulator.TaskIdsAsync(clusterId, ct)).Count == 2, Timeout, "the backup started by OCP", ct);

            await env.RestartOperatorAsync(ct);
            var done = await env.WaitForPhaseAsync("hard-crash", Terminal, Timeout, ct);

            var post = Assert.Single(await env.Simulator.PostsWithRequestIdAsync(done.Status!.RequestId, ct));
            Assert.True(post.TaskIds.Single() < earlier, $"precondition: the POST's task {post.TaskIds.Single()} is numbered below the earlier task {earlier}");
            Assert.Equal(BackupPhase.Succeeded, done.Status.Phase);
            Assert.True(done.Status.Adopted);
            Assert.Equal(post.TaskIds, done.Status.TaskIds);
            Assert.Equal(2, (await env.Simulator.TaskIdsAsync(clusterId, ct)).Count);
        }
        finally
        {
            if (env.Operator.HasExited)
            {
                await env.RestartOperatorAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task A_console_backup_of_the_cluster_by_another_user_is_not_taken_for_a_lost_posts_backup()
    {
        var ct = TestTimeout.Token();
        const long clusterId = 9502;
        await using var hard = await HardAsync(new SimSettings(ForeignTasks: true), ct);
        // The connection drops before OCP did anything; meanwhile console-admin backs the cluster up.
        await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = "dropBeforeAccept" }, ct);

        await env.CreateBackupAsync(Backups.Nfs("hard-console", clusterId), ct);
        var done = await env.WaitForPhaseAsync("hard-console", Terminal, Timeout, ct);

        var foreign = await env.Simulator.ForeignTasksAsync(clusterId, ct);
        Assert.Contains(foreign, t => t.Type == "MANUAL" && t.Creator == "console-admin" && t.Name.StartsWith("Backup", StringComparison.Ordinal));
        // The operator's own OCP user stops a backup and runs a schedule too: only name and type tell these apart.
        Assert.Contains(foreign, t => t.Type == "SCHEDULED" && t.Creator == SimulatorHandle.User);
        Assert.Contains(foreign, t => t.Name.StartsWith("Stop backup", StringComparison.Ordinal) && t.Creator == SimulatorHandle.User);
        Assert.DoesNotContain(done.Status!.TaskIds ?? [], id => foreign.Any(t => t.Id == id));
        var posts = await env.Simulator.PostsWithRequestIdAsync(done.Status.RequestId, ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status.Phase);
        Assert.Equal(posts.SelectMany(p => p.TaskIds), done.Status.TaskIds); // its own POST's task, the only one started
        Assert.Equal(await env.Simulator.TaskIdsAsync(clusterId, ct), done.Status.TaskIds);
        // OCP's other users' backups of the cluster are not "another backup started" (the dropped POST and its retry carry one request id).
        await env.Simulator.AssertOwnBackupOnlyAsync(done, ct, posts: posts.Count);
        await AssertUntouchedAsync(foreign, ct);
    }

    [Fact]
    public async Task With_everything_hard_at_once_a_task_created_after_the_client_gave_up_is_adopted()
    {
        var ct = TestTimeout.Token();
        const long clusterId = 9503;
        await using var hard = await HardAsync(new SimSettings(ForeignTasks: true, TaskIdBlock: 50, TaskIdSeed: 26, ShufflePages: true, OmitPageCounts: true,
            StatusForm: "varying", DelayOutlivesDisconnect: true, FixDurationAtCreation: true), ct);
        // OCP takes 4 s, the operator waits 3 s (Ocp__RequestTimeout): the task is created after it gave up.
        await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = "delay", delayMs = 4000 }, ct);

        await env.CreateBackupAsync(Backups.Nfs("hard-late", clusterId), ct);
        var running = await env.WaitForPhaseAsync("hard-late", [BackupPhase.Running, .. Terminal], Timeout, ct);
        // Backups created from now on would run ten minutes; the one already running keeps its duration.
        await env.Simulator.ConfigureAsync(new SimSettings(TaskDurationMs: 600_000), ct);
        var done = await env.WaitForPhaseAsync("hard-late", Terminal, Timeout, ct);

        var post = Assert.Single(await env.Simulator.PostsWithRequestIdAsync(done.Status!.RequestId, ct));
        var task = Assert.Single(post.TaskIds);
        Assert.Equal(BackupPhase.Succeeded, done.Status.Phase);
        Assert.True(done.Status.Adopted);
        Assert.Equal([task], done.Status.TaskIds);
        Assert.Equal([task], running.Status!.TaskIds);
        var created = DateTimeOffset.Parse(done.Status.Tasks!.Single().CreateTime!, CultureInfo.InvariantCulture);
        var posted = DateTimeOffset.Parse(post.At, CultureInfo.InvariantCulture);
        Assert.True(created - posted >= TimeSpan.FromSeconds(3.9), $"OCP created the task {(created - posted).TotalSeconds} s after the POST: not after the client gave up");
        await env.WaitForEventAsync("hard-late", e => e.Reason == "Adopted", ct);
        await AssertUntouchedAsync(await env.Simulator.ForeignTasksAsync(clusterId, ct), ct);
    }

    [Fact]
    public async Task A_status_in_a_form_the_operator_cannot_read_is_reported_and_never_taken_for_success()
    {
        var ct = TestTimeout.Token();
        const long clusterId = 9504;
        await using var hard = await HardAsync(new SimSettings(StatusForm: "integer"), ct);
        await env.CreateBackupAsync(Backups.Nfs("hard-integer", clusterId), ct);
        var code = StatusForms.Codes["SUCCESSFUL"].ToString(CultureInfo.InvariantCulture);
        V1alpha1ClusterBackupNow current = null!;
        await env.UntilAsync(async () => (current = await env.GetBackupAsync("hard-integer", ct)).Status?.Tasks?.SingleOrDefault()?.Status == code,
            Timeout, $"the task's status read as OCP wrote it ({code})", ct);
        var task = Assert.Single(current.Status!.TaskIds!);
        Assert.Equal(BackupPhase.Running, current.Status.Phase);
        Assert.Contains($"{task} {code}", current.Status.Message, StringComparison.Ordinal);

        await env.Simulator.ConfigureAsync(new SimSettings(StatusForm: "lower"), ct);
        var done = await env.WaitForPhaseAsync("hard-integer", Terminal, Timeout, ct);
        Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
        Assert.Equal([task], done.Status.TaskIds);
    }

    /// <summary>Turns the settings on; disposing the result turns every setting of this class off again.</summary>
    private async Task<IAsyncDisposable> HardAsync(SimSettings settings, CancellationToken ct)
    {
        await env.Simulator.ConfigureAsync(settings, ct);
        return new Restore(() => env.Simulator.ConfigureAsync(Gentle, CancellationToken.None));
    }

    /// <summary>OCP's other tasks were only ever read: no retry, rollback or anything else reached them.</summary>
    private async Task AssertUntouchedAsync(IReadOnlyList<ForeignTask> foreign, CancellationToken ct)
    {
        Assert.NotEmpty(foreign);
        foreach (var task in foreign)
        {
            Assert.Empty(await env.Simulator.CallsChangingAsync(task.Id, ct));
        }
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
