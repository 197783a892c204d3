using System.Globalization;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using Xunit.Abstractions;

namespace BackupOperator.E2E;

/// <summary>
/// Randomized soak: each trial is a random schedule of backups (some sharing a cluster), OCP faults,
/// operator kills, API-server restarts and partitions of the operator from the API server (through
/// a proxy: some shorter, some longer than the lease), drawn from a printed seed so any failure
/// replays (SOAK_SEED=... SOAK_TRIALS=...). Each trial also runs a ClusterBackupSchedule firing every
/// 3 s through all of it. Ends with the tally: duplicates, stuck, lost, misattributed, orphans, and
/// slots with two children or not accounted for (neither a child nor counted missed/skipped) must all be 0.
/// The trial's backups go to two OCPs that number their tasks alike (two fresh simulators, both from
/// task 3000001) and share cluster ids: a cluster is (OCP, clusterId), and each OCP's records are
/// checked against the backups that talk to it.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SoakTests(E2EEnvironment env, ITestOutputHelper output)
{
    private static readonly string[] SubmitFaults = ["dropAfterAccept", "delayAfterAccept", "http", "html", "dropBeforeAccept", "truncated", "delay"];
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Fact]
    public async Task Random_schedules_of_crashes_and_faults_never_duplicate_lose_or_strand_a_backup()
    {
        var trials = int.TryParse(Environment.GetEnvironmentVariable("SOAK_TRIALS"), out var t) ? t : 3;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SOAK_SEED"), out var s) ? s : Random.Shared.Next(1, 1_000_000);
        var first = int.TryParse(Environment.GetEnvironmentVariable("SOAK_FIRST_TRIAL"), out var f) ? f : 0;
        var tally = new Tally();
        var ct = TestTimeout.Token(minutes: 5 + (trials * 2));
        output.WriteLine($"soak: seed {seed}, {trials} trial(s) from {first}; replay with SOAK_SEED={seed} SOAK_TRIALS={trials} SOAK_FIRST_TRIAL={first}; operator logs in {E2ERun.LogDirectory}");
        // Every operator the soak starts reaches the API server through the proxy it partitions.
        await env.RestartOperatorAsync(ct, throughProxy: true);
        try
        {
            for (var trial = first; trial < first + trials; trial++)
            {
                await RunTrialAsync(seed, trial, tally, ct);
            }
        }
        finally
        {
            env.OperatorProxy.Heal();
            await env.RestartOperatorAsync(CancellationToken.None);
        }

        var line = $"soak: seed {seed} trials {trials} backups {tally.Backups} duplicatePosts {tally.Duplicates} stuck {tally.Stuck} lost {tally.Lost} misattributed {tally.Misattributed} orphans {tally.Orphans} slots {tally.Slots} doubledSlots {tally.DoubledSlots} unaccountedSlots {tally.UnaccountedSlots} (scheduled backups {tally.Scheduled}, missed or skipped {tally.MissedOrSkipped}; operator kills {tally.Kills}, API server restarts {tally.ApiRestarts}, partitions {tally.Partitions}, faults {tally.Faults}; attribution by {(tally.StrictTrials > 0 ? "request id" : "task ids only")})";
        output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "backup-operator-soak.log"), line + Environment.NewLine, ct);
        Assert.True(tally.Duplicates == 0 && tally.Stuck == 0 && tally.Lost == 0 && tally.Misattributed == 0 && tally.Orphans == 0
            && tally.DoubledSlots == 0 && tally.UnaccountedSlots == 0,
            line + "\n" + string.Join('\n', tally.Problems));
    }

    private async Task RunTrialAsync(int seed, int trial, Tally tally, CancellationToken ct)
    {
        var rng = new Random(unchecked((seed * 7919) + trial)); // deterministic across processes, unlike HashCode
        var baseCluster = 20_000 + (trial * 3); // one environment per run: clusters of different trials never mix
        var backups = new List<(string Name, long Cluster, bool ExpectFailure, int Ocp)>();

        // Two OCPs whose task ids start alike, each behind its own Secret; backups alternate between them
        // (from a random start drawn apart, so the seeds' other draws stay as they were).
        await using var ocpOne = await SimulatorHandle.StartAsync(ct);
        await using var ocpTwo = await SimulatorHandle.StartAsync(ct);
        SimulatorHandle[] ocps = [ocpOne, ocpTwo];
        var secrets = new string[ocps.Length];
        for (var k = 0; k < ocps.Length; k++)
        {
            secrets[k] = $"soak-{seed}-{trial}-ocp{k}";
            await env.CreateSecretAsync(secrets[k], new() { ["url"] = ocps[k].Url, ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct);
        }

        var firstOcp = new Random(unchecked((seed * 31) + trial)).Next(ocps.Length);

        // A schedule on its own cluster, firing every 3 s through the trial's kills, restarts and partitions.
        var schedule = $"soak-{seed}-{trial}-cbs";
        var scheduleCluster = 40_000 + trial;
        var scheduleSpec = ScheduleOps.Nfs(schedule, scheduleCluster, $"*/{SchedulePeriod} * * * * *");
        scheduleSpec.Spec.ConcurrencyPolicy = rng.Next(2) == 0 ? ConcurrencyPolicies.Allow : ConcurrencyPolicies.Forbid;
        scheduleSpec.Spec.SuccessfulBackupsHistoryLimit = 1000;
        scheduleSpec.Spec.FailedBackupsHistoryLimit = 1000;
        await env.CreateScheduleAsync(scheduleSpec, ct);

        var count = rng.Next(2, 6);
        for (var i = 0; i < count; i++)
        {
            var cluster = baseCluster + rng.Next(0, 3); // clusters shared on purpose: serialization is exercised
            var k = (firstOcp + i) % ocps.Length;
            var ocp = ocps[k];
            var expectFailure = false;
            switch (rng.Next(0, 10))
            {
                case < 4:
                    var kind = SubmitFaults[rng.Next(SubmitFaults.Length)];
                    await ocp.AddFaultAsync(new { operation = "backupNow", clusterId = cluster, kind, delayMs = 4000 }, ct);
                    tally.Faults++;
                    break;
                case 4:
                    await ocp.AddFaultAsync(new { operation = "getTask", clusterId = cluster, kind = "http", count = 3 }, ct);
                    tally.Faults++;
                    break;
                case 5:
                    await ocp.AddFaultAsync(new { clusterId = cluster, kind = "taskFail" }, ct);
                    tally.Faults++;
                    expectFailure = true; // which backup of the cluster gets it is not known: checked loosely below
                    break;
            }

            var name = $"soak-{seed}-{trial}-{i}";
            await env.CreateBackupAsync(Backups.Nfs(name, cluster, secrets[k]), ct);
            backups.Add((name, cluster, expectFailure, k));
            await DisturbAsync(rng, tally, ct);
        }

        await HealAsync(tally);
        foreach (var (name, cluster, _, k) in backups)
        {
            tally.Backups++;
            try
            {
                var done = await env.WaitForPhaseAsync(name, Terminal, TimeSpan.FromSeconds(120), ct);
                var ocpTasks = await ocps[k].TaskIdsAsync(cluster, ct);
                if (done.Status!.TaskIds is { Count: > 0 } ids && ids.Any(id => !ocpTasks.Contains(id)))
                {
                    tally.Lost++;
                    tally.Problems.Add($"{name}: task ids {string.Join(",", ids)} not known to OCP {k}");
                }

                if (done.Status.Phase == BackupPhase.Failed && done.Status.Reason != "TaskFailed")
                {
                    tally.Lost++;
                    tally.Problems.Add($"{name}: Failed ({done.Status.Reason}: {done.Status.Message}) although OCP only had transient faults");
                }
            }
            catch (TimeoutException e)
            {
                tally.Stuck++;
                tally.Problems.Add(e.Message.Split('\n')[0]);
            }
        }

        foreach (var (cluster, k) in backups.Select(b => (b.Cluster, b.Ocp)).Distinct())
        {
            var started = await ocps[k].StartedAsync(cluster, ct);
            var resources = backups.Count(b => b.Cluster == cluster && b.Ocp == k);
            if (started > resources)
            {
                tally.Duplicates += started - resources;
                tally.Problems.Add($"OCP {k} cluster {cluster}: {started} backups started for {resources} resource(s)");
            }
        }

        // Each OCP's records against the backups that talk to it: a task id of one OCP says nothing about the other's.
        for (var k = 0; k < ocps.Length; k++)
        {
            var mine = new List<V1alpha1ClusterBackupNow>();
            foreach (var (name, _, _, _) in backups.Where(b => b.Ocp == k))
            {
                mine.Add(await env.GetBackupAsync(name, ct));
            }

            var report = Attribution.Check(mine, await ocps[k].PostLogAsync(ct), await ocps[k].BackupsStartedAsync(ct),
                backups.Where(b => b.Ocp == k).Select(b => b.Cluster).Distinct().ToList());
            tally.Misattributed += report.Misattributed;
            tally.Orphans += report.Orphans;
            tally.Problems.AddRange(report.Problems.Select(p => $"OCP {k}: {p}"));
        }

        var final = new List<V1alpha1ClusterBackupNow>();

        // The schedule: frozen by a kill, suspended, and its children finished by a fresh operator.
        IReadOnlyList<V1alpha1ClusterBackupNow> children = [];
        try
        {
            (var slots, children) = await env.FreezeAndCountAsync(schedule, SchedulePeriod,
                () => env.RestartOperatorAsync(ct, throughProxy: true), TimeSpan.FromSeconds(180), ct);
            tally.Kills++;
            tally.Slots += slots.Slots;
            tally.DoubledSlots += slots.Doubled;
            tally.UnaccountedSlots += slots.Unaccounted;
            tally.Scheduled += children.Count;
            tally.MissedOrSkipped += slots.Slots - children.Count(c => ScheduleOps.SlotOf(c) is { } at && at <= slots.Last);
            tally.Problems.AddRange(slots.Problems);
            var started = await env.Simulator.StartedAsync(scheduleCluster, ct);
            if (started > children.Count)
            {
                tally.Duplicates += started - children.Count;
                tally.Problems.Add($"schedule {schedule}: {started} backups started for {children.Count} child(ren)");
            }
        }
        catch (TimeoutException e)
        {
            tally.Stuck++;
            tally.Problems.Add(e.Message.Split('\n')[0]);
            children = await env.ChildrenAsync(schedule, ct);
        }

        final.AddRange(children);
        var attribution = Attribution.Check(final, await env.Simulator.PostLogAsync(ct),
            await env.Simulator.BackupsStartedAsync(ct), [scheduleCluster]);
        tally.Misattributed += attribution.Misattributed;
        tally.Orphans += attribution.Orphans;
        tally.StrictTrials += attribution.Strict ? 1 : 0;
        tally.Problems.AddRange(attribution.Problems);

        await env.Simulator.ClearFaultsAsync(ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trial {trial}: {backups.Count} backups on {backups.Select(b => (b.Cluster, b.Ocp)).Distinct().Count()} (OCP, cluster)(s) of 2 OCPs, {children.Count} scheduled ({scheduleSpec.Spec.ConcurrencyPolicy}); so far: dup {tally.Duplicates} stuck {tally.Stuck} lost {tally.Lost} misattributed {tally.Misattributed} orphans {tally.Orphans} doubledSlots {tally.DoubledSlots} unaccountedSlots {tally.UnaccountedSlots}"));
    }

    /// <summary>
    /// Between two creations: sometimes kill the operator, sometimes restart the API server, sometimes
    /// cut the operator off from the API server for a while (healed in the background, so backups are
    /// created during it; ended before the next kill or restart, which need the API server).
    /// </summary>
    private async Task DisturbAsync(Random rng, Tally tally, CancellationToken ct)
    {
        var roll = rng.Next(0, 20);
        if (roll < 4)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 1500)), ct);
            await HealAsync(tally);
            env.Operator.Kill();
            tally.Kills++;
            await env.RestartOperatorAsync(ct, throughProxy: true);
        }
        else if (roll == 4)
        {
            await HealAsync(tally);
            await env.Api.RestartApiServerAsync(ct);
            tally.ApiRestarts++;
        }
        else if (roll < 8 && tally.PendingHeal is null)
        {
            // Lease 4 s, renew deadline 3 s (OperatorProcess.TestSettings): 1-9 s is both sides of it.
            var length = TimeSpan.FromMilliseconds(rng.Next(1000, 9000));
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 800)), ct);
            env.OperatorProxy.Partition();
            tally.Partitions++;
            tally.PendingHeal = Task.Delay(length, ct).ContinueWith(_ => env.OperatorProxy.Heal(), TaskScheduler.Default);
        }
        else
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 800)), ct);
        }
    }

    private static async Task HealAsync(Tally tally)
    {
        if (tally.PendingHeal is { } heal)
        {
            await heal;
            tally.PendingHeal = null;
        }
    }

    private const int SchedulePeriod = 3;

    private sealed class Tally
    {
        public int Slots { get; set; }
        public int DoubledSlots { get; set; }
        public int UnaccountedSlots { get; set; }
        public int Scheduled { get; set; }
        public int MissedOrSkipped { get; set; }

        public int Backups { get; set; }
        public int Duplicates { get; set; }
        public int Stuck { get; set; }
        public int Lost { get; set; }
        public int Kills { get; set; }
        public int ApiRestarts { get; set; }
        public int Faults { get; set; }
        public int Partitions { get; set; }
        public int Misattributed { get; set; }
        public int Orphans { get; set; }
        public int StrictTrials { get; set; }
        public Task? PendingHeal { get; set; }
        public List<string> Problems { get; } = [];
    }
}
