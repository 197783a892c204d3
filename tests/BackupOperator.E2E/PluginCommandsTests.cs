using System.Diagnostics;
using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// `kubectl ocp schedule list|describe`, `connection list|describe`, `backup create --from-schedule`
/// without a NAME and `backup delete`: the published plugin as a process, against the real API server,
/// the operator and the simulator (clusters 9441-9460).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PluginCommandsTests(E2EEnvironment env)
{
    private const string Ns = E2EEnvironment.Namespace;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Schedule_list_and_describe_show_the_schedule_its_last_result_and_its_backups()
    {
        const long clusterId = 9441;
        var ct = TestTimeout.Token();
        var schedule = ScheduleOps.Nfs("plugin-listed-schedule", clusterId, "0 0 1 1 *", "30 0 1 1 *");
        schedule.Spec.Suspend = true;
        await env.CreateScheduleAsync(schedule, ct);
        var runNow = await PluginAsync(ct, "schedule", "run-now", "plugin-listed-schedule", "--wait", "--timeout", "90s", "-n", Ns);
        Assert.True(runNow.ExitCode == 0, runNow.ToString());
        var child = Assert.Single(await env.ChildrenAsync("plugin-listed-schedule", ct));
        await env.UntilAsync(async () => (await env.GetScheduleAsync("plugin-listed-schedule", ct)).Status?.LastBackup?.Phase == BackupPhase.Succeeded,
            Timeout, "the schedule's lastBackup Succeeded", ct);

        var list = await PluginAsync(ct, "schedule", "list", "-n", Ns);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"^NAME\s+SCHEDULE\s+INCREMENTAL\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+LAST RESULT\s+AGE$", list.Lines[0]);
        Assert.Contains(list.Lines, l => Regex.IsMatch(l, @"^plugin-listed-schedule\s+0 0 1 1 \*\s+30 0 1 1 \*\s+True\s+0\s+\S+\s+Succeeded/FULL\s+\d+s$"));
        var all = await PluginAsync(["schedule", "list", "-A"], true, ct);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains(all.Lines, l => Regex.IsMatch(l, @"^e2e\s+plugin-listed-schedule\s+0 0 1 1 \*\s"));

        var describe = await PluginAsync(ct, "schedule", "describe", "plugin-listed-schedule", "-n", Ns);
        Assert.True(describe.ExitCode == 0, describe.ToString());
        var text = describe.Stdout;
        Assert.Matches(@"(?m)^Name:\s+plugin-listed-schedule$", text);
        Assert.Matches(@"(?m)^  Schedule:\s+0 0 1 1 \*$", text);
        Assert.Matches(@"(?m)^  Suspend:\s+true$", text);
        Assert.Matches($@"(?m)^    Cluster:\s+{clusterId}$", text);
        Assert.Matches($@"(?m)^  Last Backup:\s+{child.Metadata.Name} Succeeded/FULL task\(s\) \d+$", text);
        Assert.Matches($@"(?m)^Backups:\n  NAME\s+PHASE\s+CLUSTER\s+MODES\s+TASKS\s+AGE\n  {child.Metadata.Name}\s+Succeeded\s+{clusterId}\s+PHYSICAL/FULL\s", text);
        Assert.Matches(@"(?m)^  Suspended\s+True\s", text);
        Assert.Matches(@"(?m)^Events:", text);

        var missing = await PluginAsync(ct, "schedule", "describe", "plugin-no-such-schedule", "-n", Ns);
        Assert.Equal((3, "error: clusterbackupschedule \"plugin-no-such-schedule\" not found in namespace \"e2e\"\n"), (missing.ExitCode, missing.Stderr));
    }

    [Fact]
    public async Task Connection_list_and_describe_show_Ready_and_whom_it_grants()
    {
        var ct = TestTimeout.Token();
        const string name = "plugin-conn";
        const string secret = "plugin-conn-credentials";
        await env.CreateSecretAsync(secret, new() { ["username"] = SimulatorHandle.User, ["password"] = SimulatorHandle.Password }, ct, E2EEnvironment.OperatorNamespace, openToBackups: false);
        await Manifests.CreateConnectionAsync(env.Admin, new V1alpha1ClusterOcpConnection
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new ClusterOcpConnectionSpec
            {
                Url = env.Simulator.Url,
                CredentialsSecretRef = new SecretReference { Namespace = E2EEnvironment.OperatorNamespace, Name = secret },
                Namespaces = [Ns],
                NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["team"] = "db" } },
                AllowedClusterIds = [9442, 9443],
            },
        }, ct);
        try
        {
            KubectlOcp.Run describe = null!;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Timeout && (describe = await PluginAsync(ct, "connection", "describe", name)).Stdout is var t && !Regex.IsMatch(t, @"(?m)^  Ready:\s+True$"))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            }

            Assert.True(describe.ExitCode == 0, describe.ToString());
            var text = describe.Stdout;
            Assert.Matches(@"(?m)^  Ready:\s+True$", text);
            Assert.Matches(@"(?m)^Name:\s+plugin-conn$", text);
            Assert.Matches($@"(?m)^  URL:\s+{Regex.Escape(env.Simulator.Url)}$", text);
            Assert.Matches($@"(?m)^  Credentials:\s+Secret {E2EEnvironment.OperatorNamespace}/{secret}$", text);
            Assert.Matches(@"(?m)^  Namespaces:\s+e2e$", text);
            Assert.Matches(@"(?m)^  Namespace Selector:\s+team=db$", text);
            Assert.Matches(@"(?m)^  Clusters:\s+9442, 9443$", text);
            Assert.Matches(@"(?m)^  Reason:\s+Connected$", text);
            Assert.DoesNotContain(SimulatorHandle.Password, text, StringComparison.Ordinal);

            // Cluster-scoped: -n changes nothing, and there is no NAMESPACE column.
            var list = await PluginAsync(ct, "connection", "list", "-n", "some-other-namespace");
            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Matches(@"^NAME\s+URL\s+READY\s+REASON\s+NAMESPACES\s+CLUSTERS\s+AGE$", list.Lines[0]);
            Assert.Contains(list.Lines, l => Regex.IsMatch(l, $@"^plugin-conn\s+{Regex.Escape(env.Simulator.Url)}\s+True\s+Connected\s+e2e,selector\(team=db\)\s+9442,9443\s+\d+s$"));

            var missing = await PluginAsync(ct, "connection", "describe", "plugin-no-such-connection");
            Assert.Equal((3, "error: clusterocpconnection \"plugin-no-such-connection\" not found\n"), (missing.ExitCode, missing.Stderr));
        }
        finally
        {
            await env.Admin.CustomObjects.DeleteClusterCustomObjectAsync(
                V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, name, cancellationToken: ct);
        }
    }

    [Fact]
    public async Task Create_from_a_schedule_without_a_name_makes_schedule_manual_utc_time_not_owned_by_the_schedule()
    {
        const long clusterId = 9444;
        var ct = TestTimeout.Token();
        var schedule = ScheduleOps.Nfs("plugin-unnamed", clusterId, "0 0 1 1 *");
        schedule.Spec.Suspend = true;
        await env.CreateScheduleAsync(schedule, ct);
        var before = DateTimeOffset.UtcNow;

        var run = await PluginAsync(ct, "backup", "create", "--from-schedule", "plugin-unnamed", "--wait", "--timeout", "90s", "-n", Ns);

        Assert.True(run.ExitCode == 0, run.ToString());
        // kubectl's line, with the name the plugin made.
        var made = Assert.Single(Regex.Matches(run.Lines[0], "^clusterbackupnow\\.ocp\\.oceanbase\\.com/(plugin-unnamed-manual-([0-9]{8}t[0-9]{6})z) created$"));
        var (name, stamp) = (made.Groups[1].Value, made.Groups[2].Value);
        var at = DateTimeOffset.ParseExact(stamp, "yyyyMMdd't'HHmmss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.InRange(at, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.StartsWith($"{name} Succeeded (cluster {clusterId}, PHYSICAL/FULL, ", run.Lines[1], StringComparison.Ordinal);
        var created = await env.GetBackupAsync(name, ct);
        Assert.Null(created.Metadata.OwnerReferences);
        Assert.Equal("plugin-unnamed", created.Metadata.Annotations["ocp.oceanbase.com/from-schedule"]);
        Assert.Empty(await env.ChildrenAsync("plugin-unnamed", ct));
    }

    [Fact]
    public async Task Delete_removes_the_resource_says_OCPs_backup_is_kept_and_sends_nothing_to_OCP()
    {
        const long clusterId = 9445;
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-deleted", clusterId), ct);
        var done = await env.WaitForPhaseAsync("plugin-deleted", [BackupPhase.Succeeded], Timeout, ct);
        var task = Assert.Single(done.Status!.TaskIds!);
        var callsBefore = await env.Simulator.CallsAsync(ct, clusterId);

        var run = await PluginAsync(ct, "backup", "delete", "plugin-deleted", "-n", Ns);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("clusterbackupnow.ocp.oceanbase.com \"plugin-deleted\" deleted (OCP's backup and its files are kept; the operator does not delete backups in OCP)\n", run.Stdout);
        Assert.Equal("", run.Stderr);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => env.GetBackupAsync("plugin-deleted", ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.Response.StatusCode);

        // The operator sees the deletion (it logs it) and sends OCP nothing about it: no DELETE, no new call changing the task.
        await env.UntilAsync(() => Task.FromResult(env.Operator.Log.Contains("Backup e2e/plugin-deleted deleted; its backup in OCP is kept", StringComparison.Ordinal)),
            Timeout, "the operator's log of the deletion", ct);
        var calls = await env.Simulator.CallsAsync(ct, clusterId);
        Assert.DoesNotContain(calls, c => c.Method == "DELETE");
        Assert.Equal(callsBefore.Count(c => c.Method != "GET"), calls.Count(c => c.Method != "GET"));
        Assert.DoesNotContain(await env.Simulator.CallsChangingAsync(task, ct), c => !callsBefore.Contains(c));
        Assert.Equal("SUCCESSFUL", (await env.Simulator.TaskStatusesAsync(ct))[task]);

        var again = await PluginAsync(ct, "backup", "delete", "plugin-deleted", "-n", Ns);
        Assert.Equal((3, "", "error: clusterbackupnow \"plugin-deleted\" not found in namespace \"e2e\"\n"), (again.ExitCode, again.Stdout, again.Stderr));
    }

    private Task<KubectlOcp.Run> PluginAsync(CancellationToken ct, params string[] args) => PluginAsync(args, false, ct);

    private Task<KubectlOcp.Run> PluginAsync(string[] args, bool viaKubectl, CancellationToken ct) =>
        KubectlOcp.RunAsync(args, ct, new Dictionary<string, string> { ["KUBECONFIG"] = env.Api.AdminKubeconfig }, viaKubectl);
}
