using System.Globalization;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using BackupOperator.OcpSimulator;
using Xunit.Abstractions;

namespace BackupOperator.E2E;

/// <summary>
/// Randomized soak: each trial is a random schedule of backups (some sharing a cluster), OCP faults,
/// operator kills, API-server restarts and partitions of the operator from the API server (through
/// a proxy: some shorter, some longer than the lease), drawn from a printed seed so any failure
/// replays (SOAK_SEED=... SOAK_TRIALS=...). Each trial also runs a ClusterBackupSchedule firing every
/// 3 s through all of it. Each backup's final word is checked against what OCP itself recorded
/// (<see cref="Outcomes"/>, <see cref="Attribution"/>, <see cref="SlotTally"/>), and the run fails unless every
/// defect of <see cref="SoakTally"/> is 0 and it checked at least one trial, backup and slot.
/// The trial's backups go to two OCPs that number their tasks alike (two fresh simulators, both from
/// task 3000001) and share cluster ids: a cluster is (OCP, clusterId), and each OCP's records are
/// checked against the backups that talk to it.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SoakTests(E2EEnvironment env, ITestOutputHelper output)
{
    private static readonly string[] SubmitFaults = ["dropAfterAccept", "delayAfterAccept", "http", "html", "dropBeforeAccept", "truncated", "delay"];
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];
    private Task? _pendingHeal;

    [Fact]
    public async Task Random_schedules_of_crashes_and_faults_never_duplicate_lose_or_strand_a_backup()
    {
        var trials = SoakTally.ParseTrials(Environment.GetEnvironmentVariable("SOAK_TRIALS"), fallback: 3);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SOAK_SEED"), out var s) ? s : Random.Shared.Next(1, 1_000_000);
        var first = int.TryParse(Environment.GetEnvironmentVariable("SOAK_FIRST_TRIAL"), out var f) ? f : 0;
        var tally = new SoakTally();
        var ct = TestTimeout.Token(minutes: 5 + (trials * 2));
        output.WriteLine($"soak: seed {seed}, {trials} trial(s) from {first}; replay with SOAK_SEED={seed} SOAK_TRIALS={trials} SOAK_FIRST_TRIAL={first}; operator logs in {E2ERun.LogDirectory}");
        // Every operator the soak starts reaches the API server through the proxy it partitions.
        await env.RestartOperatorAsync(ct, throughProxy: true);
        try
        {
            for (var trial = first; trial < first + trials; trial++)
            {
                await RunTrialAsync(seed, trial, tally, ct);
                tally.Trials++;
            }
        }
        finally
        {
            env.OperatorProxy.Heal();
            await env.RestartOperatorAsync(CancellationToken.None);
        }

        var line = tally.Line(seed);
        output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "backup-operator-soak.log"), line + Environment.NewLine, ct);
        Assert.True(tally.Failure() is null, $"{tally.Failure()}\n{line}\n{string.Join('\n', tally.Problems)}");
    }

    private async Task RunTrialAsync(int seed, int trial, SoakTally tally, CancellationToken ct)
    {
        var rng = new Random(unchecked((seed * 7919) + trial)); // deterministic across processes, unlike HashCode
        var baseCluster = 20_000 + (trial * 3); // one environment per run: clusters of different trials never mix
        var backups = new List<(BackupIntent Intent, int Ocp)>();

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

        // Each OCP as hard as OCP can be, drawn on its own (HardOcp.For): foreign tasks, ids going backwards within a
        // window below the operator's, shuffled pages without counts, status forms, late tasks, durations fixed at creation.
        var hard = HardOcp.For(seed, trial);
        var hardSettings = new SimSettings[ocps.Length];
        for (var k = 0; k < ocps.Length; k++)
        {
            hardSettings[k] = HardOcp.Draw(hard);
            await ocps[k].ConfigureAsync(hardSettings[k], ct);
            tally.Add(hardSettings[k]);
            output.WriteLine($"trial {trial}: OCP {k} hard settings: {HardOcp.Describe(hardSettings[k])}");
        }

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
                    // The next task OCP starts on (this OCP, cluster) fails: as many of the cluster's backups must end TaskFailed.
                    await ocp.AddFaultAsync(new { clusterId = cluster, kind = "taskFail" }, ct);
                    tally.Faults++;
                    tally.ExpectedFailures++;
                    expectFailure = true;
                    break;
            }

            if (hardSettings[k].FixDurationAtCreation == true)
            {
                // Its tasks keep the duration they were created with; the next one gets another.
                await ocp.ConfigureAsync(new SimSettings(TaskDurationMs: HardOcp.Duration(hard)), ct);
            }

            var name = $"soak-{seed}-{trial}-{i}";
            await env.CreateBackupAsync(Backups.Nfs(name, cluster, secrets[k]), ct);
            backups.Add((new BackupIntent(name, cluster, expectFailure), k));
            await DisturbAsync(rng, tally, ct);
        }

        await HealAsync();
        var final = new List<V1alpha1ClusterBackupNow>();
        foreach (var (intent, _) in backups)
        {
            tally.Backups++;
            try
            {
                final.Add(await env.WaitForPhaseAsync(intent.Name, Terminal, TimeSpan.FromSeconds(120), ct));
            }
            catch (TimeoutException e)
            {
                tally.Stuck++;
                tally.Problems.Add(e.Message.Split('\n')[0]);
                final.Add(await env.GetBackupAsync(intent.Name, ct));
            }
        }

        // Each OCP's records against the backups that talk to it: a task id of one OCP says nothing about the other's.
        for (var k = 0; k < ocps.Length; k++)
        {
            var intents = backups.Where(b => b.Ocp == k).Select(b => b.Intent).ToList();
            var mine = final.Where(r => intents.Any(i => i.Name == r.Metadata.Name)).ToList();
            await CheckAsync(ocps[k], intents, mine, $"OCP {k}", tally, everyCluster: true, ct);
        }

        // The schedule: frozen by a kill, suspended, and its children finished by a fresh operator.
        IReadOnlyList<V1alpha1ClusterBackupNow> children = [];
        try
        {
            // A quiet trial can end before the schedule's first slot: the freeze waits until it handled one (or
            // ten periods passed, and the trial then counts in trialsWithoutSlots: a slot the operator never took).
            await WaitForFirstSlotAsync(env, schedule, ct);
            (var slots, children) = await env.FreezeAndCountAsync(schedule, SchedulePeriod,
                () => env.RestartOperatorAsync(ct, throughProxy: true), TimeSpan.FromSeconds(180), ct);
            tally.Kills++;
            tally.Add(slots, children.Count, schedule);
            tally.MissedOrSkipped += slots.Slots - children.Count(c => ScheduleOps.SlotOf(c) is { } at && at <= slots.Last);
        }
        catch (TimeoutException e)
        {
            tally.Stuck++;
            tally.Problems.Add(e.Message.Split('\n')[0]);
            // Suspended whatever failed above, or it keeps creating children into the next trial.
            await env.PatchScheduleAsync(schedule, new { spec = new { suspend = true } }, ct);
            children = await env.ChildrenAsync(schedule, ct);
        }

        await CheckAsync(env.Simulator, children.Select(c => new BackupIntent(c.Metadata.Name, scheduleCluster, ExpectFailure: false)).ToList(),
            children, $"schedule {schedule}", tally, everyCluster: false, ct);

        await env.Simulator.ClearFaultsAsync(ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trial {trial}: {backups.Count} backups on {backups.Select(b => (b.Intent.ClusterId, b.Ocp)).Distinct().Count()} (OCP, cluster)(s) of 2 OCPs, {children.Count} scheduled ({scheduleSpec.Spec.ConcurrencyPolicy}); so far: {tally.Line(seed)}"));
    }

    /// <summary>
    /// The resources' final word against one OCP's own records: outcomes, then attribution by request id. With
    /// <paramref name="everyCluster"/> (an OCP of this trial only), a backup it started on any cluster must be reported,
    /// not only on the clusters the intents name: a POST that went to the wrong cluster or OCP is an orphan there.
    /// </summary>
    private static async Task CheckAsync(SimulatorHandle ocp, IReadOnlyList<BackupIntent> intents, IReadOnlyList<V1alpha1ClusterBackupNow> resources,
        string where, SoakTally tally, bool everyCluster, CancellationToken ct)
    {
        var posts = await ocp.PostLogAsync(ct);
        var started = await ocp.BackupsStartedAsync(ct);
        tally.Add(Outcomes.Check(intents, resources, posts, ocp.BackupNowAnswers, await ocp.TaskStatusesAsync(ct)), where);
        var clusters = intents.Select(i => i.ClusterId).Concat(everyCluster ? started.Keys : []).Distinct().ToList();
        tally.Add(Attribution.Check(resources, posts, started, clusters), where);
    }

    /// <summary>
    /// Between two creations: sometimes kill the operator, sometimes restart the API server, sometimes
    /// cut the operator off from the API server for a while (healed in the background, so backups are
    /// created during it; ended before the next kill or restart, which need the API server).
    /// </summary>
    private async Task DisturbAsync(Random rng, SoakTally tally, CancellationToken ct)
    {
        var roll = rng.Next(0, 20);
        if (roll < 4)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 1500)), ct);
            await HealAsync();
            env.Operator.Kill();
            tally.Kills++;
            await env.RestartOperatorAsync(ct, throughProxy: true);
        }
        else if (roll == 4)
        {
            await HealAsync();
            await env.Api.RestartApiServerAsync(ct);
            tally.ApiRestarts++;
        }
        else if (roll < 8 && _pendingHeal is null)
        {
            // Lease 4 s, renew deadline 3 s (OperatorProcess.TestSettings): 1-9 s is both sides of it.
            var length = TimeSpan.FromMilliseconds(rng.Next(1000, 9000));
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 800)), ct);
            env.OperatorProxy.Partition();
            tally.Partitions++;
            _pendingHeal = Task.Delay(length, ct).ContinueWith(_ => env.OperatorProxy.Heal(), TaskScheduler.Default);
        }
        else
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 800)), ct);
        }
    }

    private async Task HealAsync()
    {
        if (_pendingHeal is { } heal)
        {
            await heal;
            _pendingHeal = null;
        }
    }

    private const int SchedulePeriod = 3;

    private static async Task WaitForFirstSlotAsync(E2EEnvironment env, string schedule, CancellationToken ct)
    {
        try
        {
            await env.UntilAsync(async () => (await env.GetScheduleAsync(schedule, ct)).Status?.LastScheduleTime is not null,
                TimeSpan.FromSeconds(SchedulePeriod * 10), $"{schedule} handled a slot", ct);
        }
        catch (TimeoutException)
        {
            // Counted by the tally (trialsWithoutSlots), with the frozen status as evidence.
        }
    }
}
