using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace BackupOperator.E2E;

/// <summary>
/// `kubectl ocp` as a user runs it: the published single file, a real process with real exit codes,
/// against the real API server, the operator and the simulator (clusters 9401-9420).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class PluginTests(E2EEnvironment env, ITestOutputHelper output)
{
    private const string Ns = E2EEnvironment.Namespace;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private string Admin => env.Api.AdminKubeconfig;

    [Fact]
    public async Task Create_from_a_manifest_with_wait_prints_the_name_and_a_success_line_and_exits_0()
    {
        const long clusterId = 9401;
        var ct = TestTimeout.Token();
        var file = await ManifestAsync("name-in-the-file", clusterId, ct);

        var run = await PluginAsync(ct, "backup", "create", "plugin-ok", "-f", file, "--wait", "--timeout", "90s", "-n", Ns);

        Assert.True(run.ExitCode == 0, run.ToString());
        var task = Assert.Single(await env.Simulator.TaskIdsAsync(clusterId, ct));
        Assert.Equal("clusterbackupnow.ocp.oceanbase.com/plugin-ok created", run.Lines[0]);
        Assert.StartsWith($"plugin-ok Succeeded (cluster {clusterId}, PHYSICAL/FULL, task(s) {task}, traceId ", run.Lines[1], StringComparison.Ordinal);
        Assert.Equal(2, run.Lines.Length);
        Assert.Equal("", run.Stderr);
        Assert.Equal(BackupPhase.Succeeded, (await env.GetBackupAsync("plugin-ok", ct)).Status!.Phase);
        Assert.Equal(1, await env.Simulator.PostsAsync(clusterId, ct));
    }

    [Fact]
    public async Task A_backup_OCP_refuses_exits_1_with_OCPs_error_code_and_hint()
    {
        const long clusterId = 9402;
        var ct = TestTimeout.Token();
        await env.Simulator.AddFaultAsync(new { operation = "backupNow", clusterId, kind = "beSuccessfulFalse", errorCode = "OB_BACKUP_DEST_UNREACHABLE", hint = "NFS path /obbackup/ is not mounted on observer 10.0.0.7" }, ct);
        var file = await ManifestAsync("plugin-refused", clusterId, ct);

        // The manifest's own name and namespace; the manifest read from standard input.
        var run = await PluginAsync(["backup", "create", "-f", "-", "--wait"], await File.ReadAllTextAsync(file, ct), false, ct);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("clusterbackupnow.ocp.oceanbase.com/plugin-refused created", run.Lines[0]);
        Assert.StartsWith($"plugin-refused Failed (cluster {clusterId}, PHYSICAL/FULL, task(s) none", run.Lines[1], StringComparison.Ordinal);
        Assert.Contains("NFS path /obbackup/ is not mounted on observer 10.0.0.7", run.Lines[1], StringComparison.Ordinal);
        Assert.Contains("OB_BACKUP_DEST_UNREACHABLE", run.Lines[1], StringComparison.Ordinal);
        Assert.Equal(1, await env.Simulator.PostsAsync(clusterId, ct));

        // Waiting again on a finished backup answers at once, the same way.
        var again = await PluginAsync(ct, "backup", "wait", "plugin-refused", "-n", Ns);
        Assert.Equal((1, run.Lines[1]), (again.ExitCode, again.Lines.Single()));
    }

    [Fact]
    public async Task Wait_with_a_timeout_on_a_slow_task_exits_2_then_0_once_it_ends()
    {
        const long clusterId = 9403;
        var ct = TestTimeout.Token();
        await env.Simulator.ConfigureAsync(new { taskDurationMs = 120_000 }, ct);
        try
        {
            await env.CreateBackupAsync(Backups.Nfs("plugin-slow", clusterId), ct);
            await env.WaitForPhaseAsync("plugin-slow", [BackupPhase.Running], Timeout, ct);

            var run = await PluginAsync(ct, "backup", "wait", "plugin-slow", "--timeout", "2s", "-n", Ns);

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
            Assert.StartsWith($"error: timed out after 2s: plugin-slow Running (cluster {clusterId}", run.Stderr, StringComparison.Ordinal);
            Assert.Equal("", run.Stdout);
        }
        finally
        {
            await env.Simulator.ConfigureAsync(new { taskDurationMs = 1500 }, ct);
        }

        var done = await PluginAsync(ct, "backup", "wait", "plugin-slow", "--timeout", "90s", "-n", Ns);
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.StartsWith("plugin-slow Succeeded", done.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_backup_or_schedule_and_a_forbidden_one_exit_3()
    {
        var ct = TestTimeout.Token();
        var wait = await PluginAsync(ct, "backup", "wait", "plugin-never-created", "--timeout", "30s", "-n", Ns);
        Assert.True(wait.ExitCode == 3, wait.ToString());
        Assert.Equal("error: clusterbackupnow \"plugin-never-created\" not found in namespace \"e2e\"\n", wait.Stderr);

        var describe = await PluginAsync(ct, "backup", "describe", "plugin-never-created", "-n", Ns);
        Assert.Equal(3, describe.ExitCode);
        var runNow = await PluginAsync(ct, "schedule", "run-now", "plugin-no-such-schedule", "-n", Ns);
        Assert.Equal(3, runNow.ExitCode);
        Assert.Contains("clusterbackupschedule \"plugin-no-such-schedule\" not found", runNow.Stderr, StringComparison.Ordinal);
        var fromSchedule = await PluginAsync(ct, "backup", "create", "x", "--from-schedule", "plugin-no-such-schedule", "-n", Ns);
        Assert.Equal(3, fromSchedule.ExitCode);

        // A user the API server knows but RBAC grants nothing: 403, one line naming the user and the verb.
        var nobody = await KubeconfigOfAServiceAccountAsync("plugin-nobody", ct);
        var forbidden = await PluginAsync(ct, "backup", "wait", "plugin-ok", "--kubeconfig", nobody, "-n", Ns);
        Assert.True(forbidden.ExitCode == 3, forbidden.ToString());
        Assert.Matches("^error: clusterbackupnows.ocp.oceanbase.com \"plugin-ok\" is forbidden: User \"system:serviceaccount:e2e:plugin-nobody\" cannot get resource", forbidden.Stderr);
        Assert.Single(forbidden.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(3, (await PluginAsync(ct, "backup", "list", "--kubeconfig", nobody, "-n", Ns)).ExitCode);
    }

    [Theory]
    [InlineData("client.authentication.k8s.io/v1")]
    [InlineData("client.authentication.k8s.io/v1beta1")]
    public async Task A_kubeconfig_whose_user_is_an_exec_plugin_lists_backups(string apiVersion)
    {
        var ct = TestTimeout.Token();
        var account = apiVersion.EndsWith("v1beta1", StringComparison.Ordinal) ? "plugin-exec-v1beta1" : "plugin-exec-v1";
        var expires = DateTime.UtcNow.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await env.CreateBackupAsync(Backups.Nfs(account, account.EndsWith("beta1", StringComparison.Ordinal) ? 9410 : 9409), ct);
        var token = await env.ServiceAccountTokenAsync(account, "cluster-admin", ct);
        var script = Script($"{account}.sh", $$$"""
            [ "$*" = "--for e2e" ] || { echo "unexpected args: $*" >&2; exit 9; }
            echo "$KUBERNETES_EXEC_INFO" | grep -q '"apiVersion":"{{{apiVersion}}}"' || { echo "no KUBERNETES_EXEC_INFO" >&2; exit 9; }
            echo '{"apiVersion":"{{{apiVersion}}}","kind":"ExecCredential","status":{"token":"{{{token}}}","expirationTimestamp":"{{{expires}}}"}}'
            """);
        var kubeconfig = Path.Combine(env.Api.Directory, $"{account}.kubeconfig");
        env.Api.WriteExecKubeconfig(kubeconfig, script, apiVersion);

        var run = await PluginAsync(ct, "backup", "list", "--kubeconfig", kubeconfig, "-n", Ns);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Lines, l => l.StartsWith(account + " ", StringComparison.Ordinal));
        Assert.DoesNotContain(token, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_exec_plugin_is_one_line_naming_it()
    {
        var ct = TestTimeout.Token();
        var script = Script("plugin-exec-fails.sh", """
            echo "error: you must be logged in to the server" >&2
            echo "(run login first)" >&2
            exit 1
            """);
        var kubeconfig = Path.Combine(env.Api.Directory, "plugin-exec-fails.kubeconfig");
        env.Api.WriteExecKubeconfig(kubeconfig, script, "client.authentication.k8s.io/v1");

        var run = await PluginAsync(ct, "backup", "list", "--kubeconfig", kubeconfig, "-n", Ns);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Equal($"error: kubeconfig credentials: exec plugin {script} failed with exit code 1: error: you must be logged in to the server (the E2E suite writes it)",
            run.Stderr.TrimEnd('\n'));
        Assert.Equal("", run.Stdout);
    }

    /// <summary>An executable shell script in the API server's scratch directory.</summary>
    private string Script(string name, string body)
    {
        var path = Path.Combine(env.Api.Directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    [Fact]
    public async Task List_and_describe_show_the_backup_its_tasks_conditions_and_events()
    {
        const long clusterId = 9404;
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-listed", clusterId), ct);
        var done = await env.WaitForPhaseAsync("plugin-listed", [BackupPhase.Succeeded], Timeout, ct);
        var task = Assert.Single(done.Status!.TaskIds!);
        await env.WaitForEventAsync("plugin-listed", e => e.Reason == "Succeeded", ct);

        var list = await PluginAsync(ct, "backup", "list", "-n", Ns);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"^NAME\s+PHASE\s+CLUSTER\s+MODES\s+TASKS\s+AGE$", list.Lines[0]);
        Assert.Contains(list.Lines, l => Regex.IsMatch(l, $@"^plugin-listed\s+Succeeded\s+{clusterId}\s+PHYSICAL/FULL\s+{task}\s+\d+s$"));

        // Through kubectl itself, every namespace, with the context's namespace unused.
        var all = await PluginAsync(["backup", "list", "-A"], null, true, ct);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Matches(@"^NAMESPACE\s+NAME\s+PHASE", all.Lines[0]);
        Assert.Contains(all.Lines, l => Regex.IsMatch(l, $@"^e2e\s+plugin-listed\s+Succeeded\s+{clusterId}\s"));

        // The context's namespace is the default, from a kubeconfig named by KUBECONFIG.
        var withNamespace = Path.Combine(env.Api.Directory, "plugin-e2e-namespace.kubeconfig");
        await File.WriteAllTextAsync(withNamespace, (await File.ReadAllTextAsync(Admin, ct)).Replace("{cluster: local, user: user}", "{cluster: local, user: user, namespace: e2e}", StringComparison.Ordinal), ct);
        var byContext = await KubectlOcp.RunAsync(["backup", "describe", "plugin-listed"], ct, new Dictionary<string, string> { ["KUBECONFIG"] = withNamespace });
        Assert.True(byContext.ExitCode == 0, byContext.ToString());
        var text = byContext.Stdout;
        Assert.Matches(@"(?m)^Name:\s+plugin-listed$", text);
        Assert.Matches(@"(?m)^Namespace:\s+e2e$", text);
        Assert.Matches($@"(?m)^  Cluster:\s+{clusterId}$", text);
        Assert.Matches(@"(?m)^  Phase:\s+Succeeded$", text);
        Assert.Matches($@"(?m)^  Task Ids:\s+{task}$", text);
        Assert.Matches($@"(?m)^  Trace Id:\s+{Regex.Escape(done.Status.TraceId!)}$", text);
        Assert.Matches($@"(?m)^  {task}\s+Backup cluster {clusterId}\s+SUCCESSFUL\s+\S+\s+\S+\s+\S+", text); // the OCP task, its state and OCP's times
        Assert.Matches(@"(?m)^  Submitted\s+True\s+Accepted", text);
        Assert.Matches(@"(?m)^  Normal\s+Submitted\s+\d+s\s+ocp.oceanbase.com/backup-operator\s+OCP accepted the backup", text);
        Assert.Matches(@"(?m)^  Normal\s+Succeeded\s", text);
    }

    [Fact]
    public async Task Schedule_run_now_sets_a_token_and_the_operator_creates_exactly_the_child_it_names()
    {
        const long clusterId = 9405;
        var ct = TestTimeout.Token();
        var schedule = ScheduleOps.Nfs("plugin-run-now", clusterId, "0 0 1 1 *");
        schedule.Spec.Suspend = true;
        await env.CreateScheduleAsync(schedule, ct);

        var run = await PluginAsync(ct, "schedule", "run-now", "plugin-run-now", "--wait", "--timeout", "90s", "-n", Ns);

        Assert.True(run.ExitCode == 0, run.ToString());
        var token = Assert.Single(run.Lines, l => l.StartsWith("token: ", StringComparison.Ordinal))["token: ".Length..];
        Assert.Matches("^kubectl-ocp-[0-9]{14}-[0-9a-f]{4}$", token);
        var childName = Assert.Single(run.Lines, l => l.StartsWith("backup: ", StringComparison.Ordinal))["backup: ".Length..];
        Assert.Equal(ChildNames.ForRunNow("plugin-run-now", token), childName);
        Assert.StartsWith($"{childName} Succeeded (cluster {clusterId}, PHYSICAL/FULL, task(s) ", run.Lines[^1], StringComparison.Ordinal);

        var child = Assert.Single(await env.ChildrenAsync("plugin-run-now", ct));
        Assert.Equal(childName, child.Metadata.Name);
        Assert.Equal(token, child.Metadata.Annotations[V1alpha1ClusterBackupSchedule.RunNowAnnotation]);
        Assert.Equal(OcpValues.FullBackup, child.Spec.DataBackupMode);
        Assert.Equal(token, (await env.GetScheduleAsync("plugin-run-now", ct)).Metadata.Annotations[V1alpha1ClusterBackupSchedule.RunNowAnnotation]);
        Assert.Equal(1, await env.Simulator.PostsAsync(clusterId, ct));
    }

    [Fact]
    public async Task Create_from_a_schedule_copies_its_template_as_a_full_backup_the_schedule_does_not_own()
    {
        const long clusterId = 9406;
        var ct = TestTimeout.Token();
        var schedule = ScheduleOps.Nfs("plugin-template", clusterId, "0 0 1 1 *", "0 0 1 1 *");
        schedule.Spec.Suspend = true;
        schedule.Spec.BackupTemplate.Metadata!.Annotations = new Dictionary<string, string> { ["owner"] = "db-team" };
        await env.CreateScheduleAsync(schedule, ct);

        var full = await PluginAsync(ct, "backup", "create", "plugin-drill", "--from-schedule", "plugin-template", "--wait", "--timeout", "90s", "-n", Ns);
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Equal("clusterbackupnow.ocp.oceanbase.com/plugin-drill created", full.Lines[0]);
        Assert.StartsWith($"plugin-drill Succeeded (cluster {clusterId}, PHYSICAL/FULL, ", full.Lines[1], StringComparison.Ordinal);

        var created = await env.GetBackupAsync("plugin-drill", ct);
        Assert.Equal(OcpValues.FullBackup, created.Spec.DataBackupMode);
        Assert.Equal("db", created.Metadata.Labels["team"]);
        Assert.False(created.Metadata.Labels.ContainsKey(V1alpha1ClusterBackupSchedule.ScheduleLabel));
        Assert.Null(created.Metadata.OwnerReferences);
        Assert.Equal("db-team", created.Metadata.Annotations["owner"]);
        Assert.Equal("kubectl-ocp", created.Metadata.Annotations["ocp.oceanbase.com/created-by"]);
        Assert.Equal("plugin-template", created.Metadata.Annotations["ocp.oceanbase.com/from-schedule"]);
        Assert.Empty(await env.ChildrenAsync("plugin-template", ct)); // not a child: history limits never prune it

        var incremental = await PluginAsync(ct, "backup", "create", "plugin-drill-inc", "--from-schedule", "plugin-template", "--incremental", "-n", Ns);
        Assert.True(incremental.ExitCode == 0, incremental.ToString());
        Assert.Equal(["clusterbackupnow.ocp.oceanbase.com/plugin-drill-inc created"], incremental.Lines);
        Assert.Equal(OcpValues.IncrementalBackup, (await env.GetBackupAsync("plugin-drill-inc", ct)).Spec.DataBackupMode);
        var again = await PluginAsync(ct, "backup", "wait", "plugin-drill-inc", "--timeout", "90s", "-n", Ns);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.StartsWith($"plugin-drill-inc Succeeded (cluster {clusterId}, PHYSICAL/INCREMENTAL, ", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_are_one_line_on_stderr_with_exit_4_never_a_stack_trace()
    {
        var ct = TestTimeout.Token();
        var unreachable = Path.Combine(env.Api.Directory, "plugin-unreachable.kubeconfig");
        env.Api.WriteKubeconfig(unreachable, KubeApiServer.AdminToken, KubeApiServer.FreePort());
        var file = await ManifestAsync("plugin-bad-input", 9407, ct);
        var duplicate = await ManifestAsync("plugin-ok-twice", 9407, ct);
        Assert.Equal(0, (await PluginAsync(ct, "backup", "create", "-f", duplicate)).ExitCode);
        var invalid = await ManifestAsync("plugin-invalid", 9407, ct, yaml => yaml.Replace("PHYSICAL_BACKUP", "SNAPSHOT", StringComparison.Ordinal));
        var unknownField = await ManifestAsync("plugin-unknown-field", 9407, ct, yaml => yaml.Replace("clusterId: 9407", "clusterId: 9407\n  clusterIdd: 1", StringComparison.Ordinal));

        (string[] Args, string Pattern)[] cases =
        [
            (["backup", "list", "--kubeconfig", unreachable], Regex.Escape("error: cannot reach the API server at https://127.0.0.1:")),
            (["backup", "list", "--kubeconfig", "/no/such/kubeconfig"], Regex.Escape("error: kubeconfig /no/such/kubeconfig not found")),
            (["backup", "list", "--context", "no-such-context", "--kubeconfig", Admin], Regex.Escape($"error: kubeconfig {Admin}: ") + ".*no-such-context"),
            (["backup", "list", "--no-such-flag"], Regex.Escape("error: Unrecognized command or argument '--no-such-flag'")),
            (["backup", "wait", "x", "--timeout", "soon"], Regex.Escape("error: invalid --timeout 'soon'")),
            (["backup", "create", "x", "-f", "/no/such/file.yaml", "--kubeconfig", Admin], Regex.Escape("error: cannot read /no/such/file.yaml")),
            (["backup", "create", "x", "-f", file, "--from-schedule", "s", "--kubeconfig", Admin], Regex.Escape("error: give exactly one of -f FILE and --from-schedule SCHEDULE")),
            (["backup", "create", "-f", invalid, "--kubeconfig", Admin], "error: \\S+ \"plugin-invalid\" is invalid: .*spec\\.backupMode"),
            (["backup", "create", "-f", unknownField, "--kubeconfig", Admin], Regex.Escape($"error: {unknownField}: not a ClusterBackupNow manifest: ")),
            (["backup", "create", "-f", duplicate, "--kubeconfig", Admin], Regex.Escape("error: clusterbackupnow \"plugin-ok-twice\" already exists in namespace \"e2e\"")),
            (["backup", "create", "-f", file, "-n", "other", "--kubeconfig", Admin], Regex.Escape("error: the namespace of the manifest (e2e) does not match --namespace other")),
        ];
        foreach (var (args, pattern) in cases)
        {
            var run = await KubectlOcp.RunAsync(args, ct, limit: TimeSpan.FromSeconds(60));
            Assert.True(run.ExitCode == 4, $"{string.Join(' ', args)}: {run}");
            Assert.Matches("^" + pattern, run.Stderr);
            Assert.True(run.Stderr.TrimEnd('\n').Split('\n').Length == 1, $"{string.Join(' ', args)}: not one line:\n{run.Stderr}");
            Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
            Assert.Equal("", run.Stdout);
        }

        // And help for every command, on stdout, exit 0.
        foreach (var command in new[] { "", "backup", "backup create", "backup wait", "backup list", "backup describe", "schedule", "schedule run-now" })
        {
            var help = await KubectlOcp.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], ct);
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains($"kubectl ocp {command}".TrimEnd(), help.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Backup_list_starts_about_as_fast_as_kubectl()
    {
        var ct = TestTimeout.Token(10);
        await env.CreateBackupAsync(Backups.Nfs("plugin-timed", 9408), ct);
        var plugin = await KubectlOcp.PublishedAsync(ct);
        var contenders = new List<(string Label, string File, string[] Args)>
        {
            ("kubectl-ocp backup list", plugin, ["backup", "list", "-n", Ns, "--kubeconfig", Admin]),
            ("kubectl get cbn", "kubectl", ["get", "cbn", "-n", Ns, "--kubeconfig", Admin]),
        };

        // Other builds to compare, e.g. KUBECTL_OCP_COMPARE="plain=/tmp/a/kubectl-ocp:r2r=/tmp/b/kubectl-ocp".
        foreach (var other in (Environment.GetEnvironmentVariable("KUBECTL_OCP_COMPARE") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var (label, file) = (other.Split('=', 2)[0], other.Split('=', 2)[^1]);
            contenders.Add(($"{label} backup list", file, ["backup", "list", "-n", Ns, "--kubeconfig", Admin]));
        }

        const int Runs = 10;
        var times = contenders.ToDictionary(c => c.Label, _ => new List<double>());
        for (var round = 0; round <= Runs; round++)
        {
            foreach (var (label, file, args) in contenders) // interleaved: the machine's load falls on all alike
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                var text = await p.StandardOutput.ReadToEndAsync(ct);
                await p.WaitForExitAsync(ct);
                Assert.True(p.ExitCode == 0 && text.Contains("plugin-timed", StringComparison.Ordinal), $"{label}: exit {p.ExitCode}\n{text}{await p.StandardError.ReadToEndAsync(ct)}");
                if (round > 0) // the first round warms the disk cache
                {
                    times[label].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        var report = string.Join('\n', times.Select(t => $"{t.Key}: median {Median(t.Value):F0} ms over {Runs} runs (min {t.Value.Min():F0}, max {t.Value.Max():F0})"));
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(E2ERun.LogDirectory, "plugin-startup.txt"), report + "\n", ct);
        Assert.True(Median(times[contenders[0].Label]) < 2000, report);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private Task<KubectlOcp.Run> PluginAsync(CancellationToken ct, params string[] args) => PluginAsync(args, null, false, ct);

    private Task<KubectlOcp.Run> PluginAsync(string[] args, string? stdin, bool viaKubectl, CancellationToken ct) =>
        KubectlOcp.RunAsync(args, ct, new Dictionary<string, string> { ["KUBECONFIG"] = Admin }, viaKubectl, stdin);

    /// <summary>A manifest as a user writes it (the NFS backup of <see cref="Backups.Nfs"/>), in the API server's scratch directory.</summary>
    private async Task<string> ManifestAsync(string name, long clusterId, CancellationToken ct, Func<string, string>? edit = null)
    {
        var yaml = $"""
            apiVersion: ocp.oceanbase.com/v1alpha1
            kind: ClusterBackupNow
            metadata:
              name: {name}
              namespace: {Ns}
            spec:
              clusterId: {clusterId}
              backupMode: PHYSICAL_BACKUP
              dataBackupMode: FULL_BACKUP
              ocpSecretRef:
                name: ocp-credentials
              obBackupServiceStorageConfig:
                alarmStoragePercentageThreshold: 95
                configName: nfs-main
                serviceName: ob-backup
                storageId: 26
                obBackupStorageBaseInfo:
                  backupStorageType: BACKUP_STORAGE_FILE
                  storageUrl: /obbackup/

            """;
        var path = Path.Combine(env.Api.Directory, $"{name}.yaml");
        await File.WriteAllTextAsync(path, edit is null ? yaml : edit(yaml), ct);
        return path;
    }

    private async Task<string> KubeconfigOfAServiceAccountAsync(string name, CancellationToken ct)
    {
        var token = await env.ServiceAccountTokenAsync(name, null, ct);
        var path = Path.Combine(env.Api.Directory, $"{name}.kubeconfig");
        env.Api.WriteKubeconfig(path, token);
        return path;
    }
}
