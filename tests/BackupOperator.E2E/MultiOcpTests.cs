using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>
/// An organisation with several OCPs, each numbering its clusters and tasks from the same start (every
/// simulator here is a fresh instance whose first task is 3000001): a cluster is (OCP, clusterId), so
/// one OCP's cluster or task never stands for another's; the OCP a backup recorded with its intent is
/// the only one it ever talks to; and the grant is checked again before every POST. Each test asserts
/// what the simulators themselves recorded (POSTs by request id, tasks started), not the operator's word.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class MultiOcpTests(E2EEnvironment env)
{
    private const long FirstTaskId = 3000001;
    private const int ParkMilliseconds = 6000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Fact]
    public async Task A_lost_answer_adopts_its_own_task_although_another_ocp_has_a_finished_task_with_the_same_number_on_the_same_cluster_id()
    {
        const long cluster = 5;
        var ct = TestTimeout.Token(4);
        await using var ocpOne = await SimulatorHandle.StartAsync(ct);
        await using var ocpThree = await SimulatorHandle.StartAsync(ct);
        var (teamA, teamC) = (await env.NamespaceAsync("team-a", ct), await env.NamespaceAsync("team-c", ct));
        try
        {
            await env.TeamSecretAsync(teamC, "ocp", ocpThree.Url, ct);
            await env.TeamSecretAsync(teamA, "ocp", ocpOne.Url, ct);

            // Team C backs up its cluster 5 on OCP three, to the end: OCP three's first task.
            await env.CreateBackupAsync(Backups.Nfs("nightly", cluster, "ocp", teamC), ct);
            var c = await env.WaitForPhaseAsync("nightly", Terminal, Timeout, ct, teamC);
            Assert.Equal(BackupPhase.Succeeded, c.Status!.Phase);
            Assert.Equal([FirstTaskId], c.Status.TaskIds!);

            // Team A backs up its cluster 5 on OCP one; OCP one starts its first task, 3000001 too, and the answer is lost.
            await ocpOne.AddFaultAsync(new { operation = "backupNow", clusterId = cluster, kind = "dropAfterAccept" }, ct);
            await env.CreateBackupAsync(Backups.Nfs("nightly", cluster, "ocp", teamA), ct);
            var a = await env.WaitForPhaseAsync("nightly", Terminal, Timeout, ct, teamA);

            var own = await ocpOne.PostsWithRequestIdAsync(a.Status!.RequestId, ct);
            var started = (await ocpOne.BackupsStartedAsync(ct)).GetValueOrDefault(cluster) ?? [];
            var story = $"OCP one heard {await ocpOne.PostsAsync(cluster, ct)} backupNow POST(s) for cluster {cluster} " +
                $"({own.Count} with team A's request id {a.Status.RequestId}, starting [{string.Join(",", own.SelectMany(p => p.TaskIds))}]) " +
                $"and started [{string.Join(",", started)}]; team A's backup is {a.Status.Phase} {a.Status.Reason} with taskIds " +
                $"[{string.Join(",", a.Status.TaskIds ?? [])}], adopted {a.Status.Adopted?.ToString() ?? "(unset)"}";
            Assert.True(started.Count == 1 && own.Count == 1 && await ocpOne.PostsAsync(cluster, ct) == 1,
                "one resource, one lost answer: OCP one must run exactly one backup, from exactly one POST; " + story);
            Assert.Equal([FirstTaskId], own.Single().TaskIds);
            Assert.Equal(BackupPhase.Succeeded, a.Status.Phase);
            Assert.Equal([FirstTaskId], a.Status.TaskIds!);
            Assert.True(a.Status.Adopted == true, "the task of the lost answer was adopted; " + story);

            // Each OCP's own records agree with the resources that talk to it, and each backup recorded its OCP.
            AssertAttributed(ocpOne, [a], cluster, await ocpOne.PostLogAsync(ct), await ocpOne.BackupsStartedAsync(ct));
            AssertAttributed(ocpThree, [c], cluster, await ocpThree.PostLogAsync(ct), await ocpThree.BackupsStartedAsync(ct));
            Assert.Equal(Tenants.Endpoint(ocpOne.Url), await env.OcpEndpointAsync("nightly", teamA, ct));
            Assert.Equal(Tenants.Endpoint(ocpThree.Url), await env.OcpEndpointAsync("nightly", teamC, ct));
        }
        finally
        {
            await env.DeleteBackupsAsync(teamA, teamC);
        }
    }

    [Fact]
    public async Task A_backup_running_on_one_ocp_keeps_no_backup_of_the_same_cluster_id_on_another_ocp_waiting()
    {
        const long cluster = 11;
        var ct = TestTimeout.Token(4);
        await using var ocpA = await SimulatorHandle.StartAsync(ct);
        await using var ocpB = await SimulatorHandle.StartAsync(ct);
        var (teamA, teamB) = (await env.NamespaceAsync("team-a", ct), await env.NamespaceAsync("team-b", ct));
        long? longTask = null;
        try
        {
            await env.TeamSecretAsync(teamA, "ocp", ocpA.Url, ct);
            await env.TeamSecretAsync(teamB, "ocp", ocpB.Url, ct);
            await ocpB.ConfigureAsync(new { taskDurationMs = 600_000 }, ct); // OCP B's backups run for ten minutes

            await env.CreateBackupAsync(Backups.Nfs("long", cluster, "ocp", teamB), ct);
            var running = await env.WaitForPhaseAsync("long", [BackupPhase.Running], Timeout, ct, teamB);
            longTask = running.Status!.TaskIds!.Single();

            await env.CreateBackupAsync(Backups.Nfs("short", cluster, "ocp", teamA), ct);
            var a = await env.UntilBackupAsync("short", teamA, b => Task.FromResult(b.Status?.IsDone == true), TimeSpan.FromSeconds(60),
                $"the end of the backup of cluster {cluster} on OCP A while {teamB}/long runs on OCP B's cluster {cluster}", ct);

            Assert.Equal(BackupPhase.Succeeded, a.Status!.Phase);
            var b = await env.GetBackupAsync("long", ct, teamB);
            Assert.Equal(BackupPhase.Running, b.Status!.Phase);
            Assert.Equal([longTask.Value], b.Status.TaskIds!);
            Assert.Equal([FirstTaskId], a.Status.TaskIds!);
            Assert.Equal(1, await ocpA.PostsAsync(cluster, ct));
            Assert.Equal(1, await ocpA.StartedAsync(cluster, ct));
            Assert.Equal(1, await ocpB.PostsAsync(cluster, ct));
        }
        finally
        {
            if (longTask is { } id)
            {
                await ocpB.FinishTaskAsync(id, "SUCCESSFUL", CancellationToken.None);
                await env.WaitForPhaseAsync("long", Terminal, Timeout, CancellationToken.None, teamB);
            }

            await env.DeleteBackupsAsync(teamA, teamB);
        }
    }

    public enum Hold
    {
        /// <summary>The operator holds the backup between its intent and its POST, and OCP A refuses connections meanwhile: the first POST is refused.</summary>
        PausedWhileOcpRefuses,

        /// <summary>The operator dies right after writing the intent; the edit is made while it is down, and a new process meets it.</summary>
        KilledAfterIntent,
    }

    public enum Repoint
    {
        /// <summary>The team edits its own Secret's url.</summary>
        SecretUrl,

        /// <summary>The administrator edits the ClusterOcpConnection's spec.url (same object, same uid, same grant).</summary>
        ConnectionUrl,
    }

    [Theory]
    [InlineData(Hold.PausedWhileOcpRefuses, Repoint.SecretUrl, 2331L)]
    [InlineData(Hold.PausedWhileOcpRefuses, Repoint.ConnectionUrl, 2332L)]
    [InlineData(Hold.KilledAfterIntent, Repoint.SecretUrl, 2333L)]
    public async Task A_url_edited_after_the_intent_sends_nothing_to_the_new_ocp_and_the_backup_runs_once_on_the_recorded_one(Hold hold, Repoint repoint, long cluster)
    {
        var ct = TestTimeout.Token(5);
        await using var ocpA = await SimulatorHandle.StartAsync(ct);
        await using var ocpB = await SimulatorHandle.StartAsync(ct);
        await using var gate = GateProxy.Start(ocpA.Url);
        var urlA = gate.Url(ocpA.Url);
        var team = await env.NamespaceAsync("team-moves", ct);
        var connection = $"multi-ocp-{cluster}-{Guid.NewGuid().ToString("N")[..6]}";
        Func<string, Task> pointAt;
        V1alpha1ClusterBackupNow backup;
        if (repoint == Repoint.SecretUrl)
        {
            await env.TeamSecretAsync(team, "ocp", urlA, ct);
            pointAt = url => env.SetSecretUrlAsync(team, "ocp", url, ct);
            backup = Backups.Nfs("parked", cluster, "ocp", team);
        }
        else
        {
            await env.ConnectionAsync(connection, urlA, [team], ct, clusters: [cluster]);
            pointAt = url => env.PatchConnectionAsync(connection, new { url }, ct);
            backup = Tenants.Through("parked", cluster, team, connection);
        }

        try
        {
            V1alpha1ClusterBackupNow intent;
            if (hold == Hold.PausedWhileOcpRefuses)
            {
                await ParkAfterIntentAsync(cluster, ct);
                await env.CreateBackupAsync(backup, ct);
                intent = await WaitParkedAsync("parked", team, ct);

                // Held between its intent and its POST: OCP A goes away, and the url is pointed at OCP B.
                gate.Close();
                await pointAt(ocpB.Url);
                await AssertStillParkedAsync("parked", team, intent, cluster, [ocpA, ocpB], ct);
            }
            else
            {
                var armed = await KillAfterIntentAsync(cluster, ct);
                await env.CreateBackupAsync(backup, ct);
                await env.UntilAsync(() => Task.FromResult(armed.HasExited && armed.Log.Contains($"Failpoint after-intent-write fired at {team}/parked", StringComparison.Ordinal)),
                    Timeout, "the operator's death right after the intent", ct, logOf: armed);
                intent = await env.GetBackupAsync("parked", ct, team);
                Assert.NotNull(intent.Status?.RequestId);

                // While no operator runs, the url is pointed at OCP B; a new operator process meets the intent.
                await pointAt(ocpB.Url);
                await env.RestartOperatorAsync(ct);
            }

            // Whatever the operator does next (send to the recorded OCP and meet a refused connection,
            // wait for the configuration, or finish at OCP A), it shows in the status; OCP B hears of it only if it went there.
            // (A connection's url is the administrator's to change: OCP B may hear the connection's own probe, never a word about the cluster.)
            var looked = await env.UntilBackupAsync("parked", team, async b =>
                    b.Status is { Reason: "OcpUnreachable" or "ConfigurationInvalid" } || b.Status?.IsDone == true || (await ocpB.ClusterRequestsAsync(cluster, ct)).Count > 0,
                Timeout, "a step after the url's edit", ct);
            await AssertNothingReachedAsync(ocpB, cluster, repoint,
                $"the {repoint} now names OCP B, but the backup's intent was recorded at OCP A: OCP B must hear nothing of it; " +
                $"the backup is {looked.Status!.Phase} {looked.Status.Reason}: {looked.Status.Message}", ct);

            // OCP A is back. A backup waiting for its configuration gets its url pointed at OCP A again.
            gate.Open();
            var reverted = false;
            var done = await env.UntilBackupAsync("parked", team, async b =>
            {
                if (b.Status?.Reason == "ConfigurationInvalid" && !reverted)
                {
                    reverted = true;
                    await pointAt(urlA);
                }

                return b.Status?.IsDone == true;
            }, Timeout, "the end of the backup once OCP A is reachable", ct);

            await AssertNothingReachedAsync(ocpB, cluster, repoint, "after the backup's end", ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            Assert.Equal(intent.Status!.RequestId, done.Status.RequestId);
            var own = await ocpA.PostsWithRequestIdAsync(done.Status.RequestId, ct);
            Assert.Equal(1, await ocpA.PostsAsync(cluster, ct));
            Assert.Equal([FirstTaskId], own.Single().TaskIds);
            Assert.Equal([FirstTaskId], done.Status.TaskIds!);
            Assert.Equal(Tenants.Endpoint(urlA), await env.OcpEndpointAsync("parked", team, ct));
        }
        finally
        {
            await env.DeleteBackupsAsync(team);
            await env.RestartOperatorAsync(CancellationToken.None);
        }
    }

    public enum Revocation
    {
        /// <summary>The administrator deletes the connection and makes one of the same name (a new uid), to the same OCP, for another namespace.</summary>
        RecreatedForAnotherNamespace,

        /// <summary>The same, the new connection pointing at another OCP: refused as much (not only held because its url moved).</summary>
        RecreatedElsewhereForAnotherNamespace,

        /// <summary>The connection stays; the team's namespace is taken off spec.namespaces.</summary>
        NamespaceRemoved,

        /// <summary>The connection stays; the cluster is taken off spec.allowedClusterIds.</summary>
        ClusterRemoved,

        /// <summary>A backup through the team's own Secret; the team withdraws its consent to the operator's use of it.</summary>
        SecretConsentWithdrawn,
    }

    [Theory]
    [InlineData(Revocation.RecreatedForAnotherNamespace, 2341L)]
    [InlineData(Revocation.RecreatedElsewhereForAnotherNamespace, 2345L)]
    [InlineData(Revocation.NamespaceRemoved, 2342L)]
    [InlineData(Revocation.ClusterRemoved, 2343L)]
    [InlineData(Revocation.SecretConsentWithdrawn, 2344L)]
    public async Task A_grant_revoked_between_the_intent_and_the_post_ends_the_backup_NotAllowed_and_nothing_is_sent(Revocation revocation, long cluster)
    {
        var ct = TestTimeout.Token(5);
        await using var ocpA = await SimulatorHandle.StartAsync(ct);
        await using var ocpB = await SimulatorHandle.StartAsync(ct);
        var (team, other) = (await env.NamespaceAsync("team-granted", ct), await env.NamespaceAsync("team-other", ct));
        var connection = $"multi-ocp-{cluster}-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            string? uid = null;
            if (revocation == Revocation.SecretConsentWithdrawn)
            {
                await env.TeamSecretAsync(team, "ocp", ocpA.Url, ct);
            }
            else
            {
                uid = await env.ConnectionAsync(connection, ocpA.Url, [team], ct, clusters: [cluster]);
            }

            await ParkAfterIntentAsync(cluster, ct);
            await env.CreateBackupAsync(uid is null ? Backups.Nfs("parked", cluster, "ocp", team) : Tenants.Through("parked", cluster, team, connection), ct);
            var intent = await WaitParkedAsync("parked", team, ct);

            switch (revocation)
            {
                case Revocation.RecreatedForAnotherNamespace or Revocation.RecreatedElsewhereForAnotherNamespace:
                    await env.DeleteConnectionAsync(connection, ct);
                    var url = revocation == Revocation.RecreatedForAnotherNamespace ? ocpA.Url : ocpB.Url;
                    Assert.NotEqual(uid, await env.ConnectionAsync(connection, url, [other], ct, clusters: [cluster]));
                    break;
                case Revocation.NamespaceRemoved:
                    await env.PatchConnectionAsync(connection, new { namespaces = new[] { other } }, ct);
                    break;
                case Revocation.ClusterRemoved:
                    await env.PatchConnectionAsync(connection, new { allowedClusterIds = new[] { cluster + 1 } }, ct);
                    break;
                case Revocation.SecretConsentWithdrawn:
                    await env.WithdrawSecretConsentAsync(team, "ocp", ct);
                    break;
            }

            await AssertStillParkedAsync("parked", team, intent, cluster, [ocpA, ocpB], ct);
            var done = await env.UntilBackupAsync("parked", team, b => Task.FromResult(b.Status?.IsDone == true), Timeout, "the end of the backup", ct);

            var (postsA, postsB) = (await ocpA.PostsAsync(cluster, ct), await ocpB.PostsAsync(cluster, ct));
            Assert.True(postsA + postsB == 0,
                $"the grant was revoked ({revocation}) before the POST: nothing may be sent, but OCP A heard {postsA} and OCP B {postsB} backupNow POST(s); " +
                $"the backup is {done.Status!.Phase} {done.Status.Reason} with taskIds [{string.Join(",", done.Status.TaskIds ?? [])}]: {done.Status.Message}");
            Assert.Equal((BackupPhase.Failed, "NotAllowed"), (done.Status.Phase, done.Status.Reason));
            Assert.Empty(await ocpA.PostsWithRequestIdAsync(intent.Status!.RequestId, ct));
            Assert.Empty(await ocpB.ClusterRequestsAsync(cluster, ct)); // OCP B was never this backup's OCP
            await env.WaitForEventAsync("parked", e => e.Reason == "NotAllowed" && e.Type == "Warning", ct, team);
            if (uid is not null)
            {
                Assert.Equal(uid, (await env.RawStatusAsync("parked", team, ct)).Field("ocpConnectionUid"));
            }
        }
        finally
        {
            await env.DeleteBackupsAsync(team, other);
            await env.RestartOperatorAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// A 403 that passes is not a revocation: an API server that has just restarted answers 403 to every
    /// request until its RBAC caches are filled (the soak, seed 148785, saw a granted backup fail NotAllowed
    /// so). Withdrawn after the intent and given back before <c>Backup:DenialConfirmation</c> has passed, the
    /// grant holds: the backup says what it waits for, then runs once, on its own task.
    /// </summary>
    [Fact]
    public async Task A_grant_withdrawn_and_given_back_within_the_confirmation_runs_the_backup_once()
    {
        const long cluster = 2346;
        var ct = TestTimeout.Token(4);
        await using var ocp = await SimulatorHandle.StartAsync(ct);
        var team = await env.NamespaceAsync("team-blip", ct);
        try
        {
            await env.TeamSecretAsync(team, "ocp", ocp.Url, ct);
            await ParkAfterIntentAsync(cluster, ct);
            await env.CreateBackupAsync(Backups.Nfs("parked", cluster, "ocp", team), ct);
            var intent = await WaitParkedAsync("parked", team, ct);
            await env.WithdrawSecretConsentAsync(team, "ocp", ct);

            var confirming = await env.UntilBackupAsync("parked", team, b => Task.FromResult(b.Status?.Reason == "ConfirmingDenial"), Timeout,
                "the backup confirming the withdrawn grant", ct);
            Assert.Equal(BackupPhase.Submitting, confirming.Status!.Phase);
            Assert.Contains($"Secret {team}/ocp (spec.ocpSecretRef) is no longer granted to the operator; nothing is sent", confirming.Status.Message, StringComparison.Ordinal);
            Assert.Equal(0, await ocp.PostsAsync(cluster, ct));
            await SecretGrants.GrantAsync(env.Admin, team, "ocp", ct);

            var done = await env.UntilBackupAsync("parked", team, b => Task.FromResult(b.Status?.IsDone == true), Timeout, "the end of the backup", ct);

            Assert.Equal((BackupPhase.Succeeded, intent.Status!.RequestId), (done.Status!.Phase, done.Status.RequestId));
            await ocp.AssertOwnBackupOnlyAsync(done, ct);
        }
        finally
        {
            await env.DeleteBackupsAsync(team);
            await env.RestartOperatorAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Restarts the shared operator so that it holds every backup of <paramref name="cluster"/> for
    /// <see cref="ParkMilliseconds"/> right after writing its intent, before any POST, and reads
    /// Secrets afresh each time (an edit made while it is held is what it meets next).
    /// </summary>
    private Task ParkAfterIntentAsync(long cluster, CancellationToken ct) =>
        env.RestartOperatorAsync(ct, new Dictionary<string, string?>
        {
            [KillMatrixTests.FailpointsVariable] = $"after-intent-write@{cluster}=pause({ParkMilliseconds})",
            ["Ocp__SecretCacheDuration"] = "00:00:00",
        });

    /// <summary>
    /// <paramref name="ocp"/> heard no request about <paramref name="cluster"/>; when only the team's
    /// Secret named it, no request at all (its credentials never went there).
    /// </summary>
    private static async Task AssertNothingReachedAsync(SimulatorHandle ocp, long cluster, Repoint repoint, string context, CancellationToken ct)
    {
        var about = await ocp.ClusterRequestsAsync(cluster, ct);
        var heard = await ocp.TrafficAsync(ct);
        Assert.True(about.Count == 0 && (repoint != Repoint.SecretUrl || heard.Silent),
            $"{context}; it heard about cluster {cluster}: [{string.Join(", ", about.Select(r => $"{r.Key}={r.Value}"))}], in all: {heard}");
    }

    /// <summary>Restarts the shared operator so that it dies (SIGKILL) right after writing the intent of a backup of <paramref name="cluster"/>.</summary>
    private async Task<OperatorProcess> KillAfterIntentAsync(long cluster, CancellationToken ct)
    {
        await env.RestartOperatorAsync(ct, new Dictionary<string, string?> { [KillMatrixTests.FailpointsVariable] = $"after-intent-write@{cluster}=kill" });
        return env.Operator;
    }

    /// <summary>Waits for the intent and for the operator's word that it holds the backup there.</summary>
    private async Task<V1alpha1ClusterBackupNow> WaitParkedAsync(string name, string ns, CancellationToken ct)
    {
        var intent = await env.UntilBackupAsync(name, ns, b => Task.FromResult(b.Status?.RequestId is not null), Timeout, "the intent", ct);
        await env.UntilAsync(() => Task.FromResult(env.Operator.Log.Contains($"Failpoint after-intent-write fired at {ns}/{name}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the operator holding the backup after its intent", ct);
        return intent;
    }

    /// <summary>The premise of a parked test: the change was made while the backup was still held, before any POST.</summary>
    private async Task AssertStillParkedAsync(string name, string ns, V1alpha1ClusterBackupNow intent, long cluster, SimulatorHandle[] ocps, CancellationToken ct)
    {
        var now = await env.GetBackupAsync(name, ct, ns);
        Assert.Equal((intent.Status!.Phase, intent.Status.RequestId), (now.Status!.Phase, now.Status.RequestId));
        foreach (var ocp in ocps)
        {
            Assert.Equal(0, await ocp.PostsAsync(cluster, ct));
        }
    }

    private static void AssertAttributed(SimulatorHandle ocp, V1alpha1ClusterBackupNow[] resources, long cluster,
        IReadOnlyList<OcpPost> posts, IReadOnlyDictionary<long, IReadOnlyList<long>> started)
    {
        var report = Attribution.Check(resources, posts, started, [cluster]);
        Assert.True(report.Strict, $"{ocp.Url}: the POSTs carried no request id");
        Assert.True(report.Misattributed == 0 && report.Orphans == 0, $"{ocp.Url}: " + string.Join('\n', report.Problems));
    }
}
