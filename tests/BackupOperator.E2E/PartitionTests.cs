using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using Xunit.Abstractions;

namespace BackupOperator.E2E;

/// <summary>
/// The leader is cut off from the API server (OCP still reachable) while backups are in flight and
/// new ones arrive: the other replica takes over when the lease expires, and after the heal the old
/// leader does nothing harmful. What a user relies on: every backup succeeds, each reports the one
/// task its own POST created, and OCP started exactly one backup per resource.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class PartitionTests(E2EEnvironment env, ITestOutputHelper output)
{
    private const string Lease = "backup-operator-leader";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Terminal = [BackupPhase.Succeeded, BackupPhase.Failed];

    [Fact]
    public async Task Partitioned_leader_is_replaced_and_after_the_heal_no_backup_is_doubled_lost_or_misattributed()
    {
        var ct = TestTimeout.Token(5);
        var dir = Directory.CreateTempSubdirectory("backup-operator-partition-").FullName;
        await using var linkA = TcpProxy.Start(env.Api.Port);
        await using var linkB = TcpProxy.Start(env.Api.Port);
        env.WriteOperatorKubeconfig(Path.Combine(dir, "a.kubeconfig"), linkA.Port);
        env.WriteOperatorKubeconfig(Path.Combine(dir, "b.kubeconfig"), linkB.Port);
        await AssertTlsValidatesThroughAsync(linkA.Port, ct);
        OperatorProcess? a = null;
        OperatorProcess? b = null;
        var names = new List<(string Name, long Cluster)>();
        try
        {
            // Only these two replicas compete: the shared operator stops and releases its lease.
            Assert.True(env.Operator.Terminate(TimeSpan.FromSeconds(30)), "shared operator did not stop");
            a = await env.StartOperatorAsync(ct, kubeconfig: Path.Combine(dir, "a.kubeconfig"));
            // The lease may still name a replica killed earlier: wait until it has expired and A holds it.
            var leaderA = await WaitForHolderAsync(h => h == a.Identity, ct);
            b = await env.StartOperatorAsync(ct, kubeconfig: Path.Combine(dir, "b.kubeconfig")); // B started after A held the lease: A leads
            await using var monitor = LeadershipMonitor.Start([a, b]);

            // Long tasks: in flight across the partition; the OCP link stays up throughout.
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 12_000 }, ct);
            foreach (var cluster in new long[] { 811, 812 })
            {
                await CreateAsync($"part-running-{cluster}", cluster, names, ct);
            }

            foreach (var (name, _) in names)
            {
                await env.WaitForPhaseAsync(name, [BackupPhase.Running], Timeout, ct);
            }

            // One more right at the cut: its intent, its POST or its status write may be on the wire.
            await CreateAsync("part-at-cut-813", 813, names, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(150), ct);
            linkA.Partition();
            var cut = Stopwatch.StartNew();
            await CreateAsync("part-during-814", 814, names, ct);

            // A learns on its own (renew deadline) that it no longer leads; from then on it must send nothing.
            var cutAt = monitor.Now;
            var cutWall = DateTimeOffset.UtcNow;
            using var metrics = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await env.UntilAsync(async () => LeadershipMonitor.Sum(await metrics.GetStringAsync(new Uri(a.BaseUri, "/metrics"), ct), "backupoperator_leader") == 0,
                Timeout, "replica A no longer leading", ct, logOf: a);
            output.WriteLine($"replica A stopped leading {cut.Elapsed.TotalSeconds:0.0} s after the cut");
            var leaderB = await WaitForHolderAsync(h => h is not null && h.Length > 0 && h != leaderA, ct);
            var leaseMovedAt = await LeaseAcquiredAtAsync(leaderB, ct);
            output.WriteLine($"lease moved from {leaderA} to {leaderB} {cut.Elapsed.TotalSeconds:0.0} s after the cut");
            await CreateAsync("part-during-815", 815, names, ct);
            await env.WaitForPhaseAsync("part-during-815", [BackupPhase.Running, .. Terminal], Timeout, ct);

            // Healed well past the lease: A's held requests (renewals, status writes) now reach the API server late.
            var rest = TimeSpan.FromSeconds(10) - cut.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, ct);
            }

            linkA.Heal();
            await CreateAsync("part-after-816", 816, names, ct);

            var done = new List<V1alpha1ClusterBackupNow>();
            foreach (var (name, _) in names)
            {
                done.Add(await env.WaitForPhaseAsync(name, Terminal, Timeout, ct));
            }

            // Give the old leader time to act on anything it still believed after the heal.
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var final = new List<V1alpha1ClusterBackupNow>();
            foreach (var (name, _) in names)
            {
                final.Add(await env.GetBackupAsync(name, ct));
            }

            var clusters = names.Select(n => n.Cluster).ToList();
            var posts = await env.Simulator.PostLogAsync(ct);
            var ours = posts.Where(p => clusters.Contains(p.ClusterId)).ToList();
            Assert.True(ours.Count > 0 && ours.All(p => p.RequestId is not null),
                $"every POST must carry its intent's request id: [{string.Join("; ", ours.Select(p => $"cluster {p.ClusterId} at {p.At}: {p.RequestId ?? "(none)"}"))}]");
            var started = await env.Simulator.BackupsStartedAsync(ct);
            foreach (var r in final)
            {
                var cluster = r.Spec.ClusterId;
                var why = $"{r.Metadata.Name}: {r.Status?.Phase} {r.Status?.Reason} {r.Status?.Message}";
                Assert.True(r.Status?.Phase == BackupPhase.Succeeded, why);
                var onCluster = started.GetValueOrDefault(cluster) ?? [];
                Assert.True(onCluster.Count == 1, $"{why}: OCP started [{string.Join(",", onCluster)}] on cluster {cluster}");
                var own = ours.Where(p => p.RequestId == r.Status!.RequestId).SelectMany(p => p.TaskIds).ToList();
                Assert.Equal(own.Order(), (r.Status!.TaskIds ?? []).Order());
            }

            var attribution = Attribution.Check(final, posts, started, clusters);
            Assert.True(attribution.Misattributed == 0 && attribution.Orphans == 0, string.Join('\n', attribution.Problems));
            // Nothing rewrote a finished backup.
            Assert.Equal(done.Select(d => $"{d.Metadata.Name}:{d.Status!.Phase}:{string.Join(",", d.Status.TaskIds ?? [])}"),
                final.Select(f => $"{f.Metadata.Name}:{f.Status!.Phase}:{string.Join(",", f.Status.TaskIds ?? [])}"));

            // The old leader sent no backupNow while it did not lead, by OCP's own clock (it may lead again: then it is the leader).
            var stoppedAfterCut = monitor.Samples.First(x => x.Replica == 0 && x.At >= cutAt && x.Leads == false).At - cutAt;
            AssertSentOnlyWhileLeading(ours, final, cutWall + stoppedAfterCut, leaseMovedAt);
            AssertNoPhaseChangeWhileFollowing(a.Log, leaderA);
            var overlaps = monitor.Overlaps();
            output.WriteLine(overlaps.Count == 0
                ? "no moment at which both replicas said they lead"
                : $"both replicas said they lead in {overlaps.Count} sampling round(s), from {overlaps[0].TotalSeconds:0.0} s to {overlaps[^1].TotalSeconds:0.0} s (cut at {cutAt.TotalSeconds:0.0} s)");
            var holder = await WaitForHolderAsync(_ => true, ct);
            output.WriteLine($"lease holder at the end: {holder}");
        }
        finally
        {
            linkA.Heal();
            a?.Dispose();
            b?.Dispose();
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, CancellationToken.None);
            await env.RestartOperatorAsync(CancellationToken.None);
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The proxy is plain TCP: the API server's own certificate arrives, and it is valid for the name
    /// the kubeconfig uses (127.0.0.1; SANs carry no port), chained to the CA the server wrote.
    /// </summary>
    private async Task AssertTlsValidatesThroughAsync(int port, CancellationToken ct)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(Path.Combine(env.Api.Directory, "certs", "apiserver.crt"));
        var errors = SslPolicyErrors.None;
        var trusted = false;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, policyErrors) =>
        {
            errors = policyErrors;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(bundle);
            chain.ChainPolicy.ExtraStore.AddRange(bundle);
            using var leaf = new X509Certificate2(certificate!);
            trusted = chain.Build(leaf);
            // Chain errors are expected (the CA is in no system store): the custom chain above decides.
            return trusted && (policyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
        });
        var handshake = await Record.ExceptionAsync(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" }, ct));
        Assert.True(handshake is null, $"TLS through the proxy: {handshake?.Message}; policy errors {errors}, chains to the API server's CA: {trusted}");
    }

    /// <summary>The log says so too: the loss is logged, and no phase change of A's follows it until it leads again.</summary>
    private static void AssertNoPhaseChangeWhileFollowing(string log, string identity)
    {
        var lostAt = log.IndexOf($"lost by {identity}", StringComparison.Ordinal);
        Assert.True(lostAt >= 0, "replica A did not log the loss of its lease:\n" + OperatorProcess.Tail(log));
        var after = log[lostAt..];
        var ledAgain = after.IndexOf($"Leading: {identity}", StringComparison.Ordinal);
        var change = PhaseChange().Match(ledAgain < 0 ? after : after[..ledAgain]);
        Assert.False(change.Success, $"replica A changed a backup after losing its lease: {change.Value}");
    }

    /// <summary>
    /// Each POST in OCP's log, by the intent it carried: an intent written before the lease moved is
    /// replica A's and must have reached OCP before A stopped leading; between then and the move no
    /// replica led, and nothing may reach OCP at all.
    /// </summary>
    private void AssertSentOnlyWhileLeading(IReadOnlyList<OcpPost> posts, IReadOnlyList<V1alpha1ClusterBackupNow> resources,
        DateTimeOffset aStoppedAt, DateTimeOffset leaseMovedAt)
    {
        output.WriteLine($"replica A stopped leading at {aStoppedAt:HH:mm:ss.fff} UTC, the lease moved at {leaseMovedAt:HH:mm:ss.fff} UTC");
        foreach (var post in posts)
        {
            var at = post.ReceivedAt().ToUniversalTime();
            var owner = resources.FirstOrDefault(r => r.Status?.RequestId == post.RequestId);
            var what = $"POST for cluster {post.ClusterId} with request id {post.RequestId} at {at:HH:mm:ss.fff} UTC (A stopped leading at {aStoppedAt:HH:mm:ss.fff}, the lease moved at {leaseMovedAt:HH:mm:ss.fff})";
            Assert.True(owner?.Status?.AttemptStartedAt is not null, $"{what}: no resource holds that intent");
            Assert.False(at >= aStoppedAt && at < leaseMovedAt, $"{what}: sent while no replica led");
            var byA = Utc(owner!.Status!.AttemptStartedAt!.Value) < leaseMovedAt;
            Assert.False(byA && at >= aStoppedAt, $"{what}: replica A's intent for {owner.Metadata.Name} sent after A stopped leading");
        }
    }

    private async Task<DateTimeOffset> LeaseAcquiredAtAsync(string holder, CancellationToken ct)
    {
        var lease = await env.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Lease, E2EEnvironment.OperatorNamespace, cancellationToken: ct);
        Assert.Equal(holder, lease.Spec.HolderIdentity);
        return Utc(lease.Spec.AcquireTime!.Value);
    }

    private static DateTimeOffset Utc(DateTime t) => new(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private async Task CreateAsync(string name, long cluster, List<(string Name, long Cluster)> names, CancellationToken ct)
    {
        await env.CreateBackupAsync(Backups.Nfs(name, cluster), ct);
        names.Add((name, cluster));
    }

    private async Task<string> WaitForHolderAsync(Func<string?, bool> match, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        string? holder = null;
        while (clock.Elapsed < Timeout)
        {
            holder = (await env.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Lease, E2EEnvironment.OperatorNamespace, cancellationToken: ct)).Spec.HolderIdentity;
            if (match(holder))
            {
                return holder!;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException($"lease holder still {holder ?? "(none)"}");
    }

    [GeneratedRegex(@"Backup \S+ of cluster \d+: \w+ -> \w+")]
    private static partial Regex PhaseChange();

}
