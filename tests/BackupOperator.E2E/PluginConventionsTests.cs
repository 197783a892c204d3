using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;

namespace BackupOperator.E2E;

/// <summary>
/// kubectl's conventions in the published plugin: -o json|yaml|name, -l, -w, shell completion, --as, and Ctrl-C's 130,
/// against the real API server, the operator and the simulator (clusters 9421-9440).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PluginConventionsTests(E2EEnvironment env)
{
    private const string Ns = E2EEnvironment.Namespace;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private string Admin => env.Api.AdminKubeconfig;

    [Fact]
    public async Task Json_round_trips_through_kubectl_apply_and_yaml_name_and_selector_agree()
    {
        var ct = TestTimeout.Token();
        foreach (var (name, cluster, tier) in new[] { ("plugin-conv-a", 9421L, "gold"), ("plugin-conv-b", 9422L, "silver") })
        {
            var backup = Backups.Nfs(name, cluster);
            backup.Metadata.Labels = new Dictionary<string, string> { ["e2e-conv"] = "list", ["tier"] = tier };
            await env.CreateBackupAsync(backup, ct);
            await env.WaitForPhaseAsync(name, [BackupPhase.Succeeded], Timeout, ct);
        }

        var json = await PluginAsync(ct, "backup", "list", "-n", Ns, "-l", "e2e-conv=list", "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var list = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("List", (string?)list["kind"]);
        var items = list["items"]!.AsArray();
        Assert.Equal(["plugin-conv-a", "plugin-conv-b"], items.Select(i => (string?)i!["metadata"]!["name"]));
        Assert.All(items, i => Assert.Equal("ClusterBackupNow", (string?)i!["kind"]));
        var generations = items.Select(i => (long?)i!["metadata"]!["generation"]).ToList();

        // What -o json printed, kubectl takes back as it is: no error, and no spec changed (the generation stays).
        var plugin = await KubectlOcp.PublishedAsync(ct);
        var apply = await Kubectl.BashAsync(Admin, $"'{plugin}' backup list -n {Ns} -l e2e-conv=list -o json | kubectl apply -f -", env.Api.Directory, ct);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("clusterbackupnow.ocp.oceanbase.com/plugin-conv-a", apply.Stdout, StringComparison.Ordinal);
        Assert.Equal(generations, [(await env.GetBackupAsync("plugin-conv-a", ct)).Metadata.Generation, (await env.GetBackupAsync("plugin-conv-b", ct)).Metadata.Generation]);

        // -o yaml: kubectl itself reads it back as the same objects.
        var yaml = await Kubectl.BashAsync(Admin, $"'{plugin}' backup list -n {Ns} -l e2e-conv=list -o yaml | kubectl apply --dry-run=client -o json -f -", env.Api.Directory, ct);
        Assert.True(yaml.ExitCode == 0, yaml.ToString());
        var fromYaml = JsonNode.Parse(yaml.Stdout)!["items"]!.AsArray();
        Assert.Equal(2, fromYaml.Count);
        Assert.True(JsonNode.DeepEquals(items[0]!["spec"], fromYaml[0]!["spec"]), yaml.Stdout);
        Assert.True(JsonNode.DeepEquals(items[1]!["metadata"]!["labels"], fromYaml[1]!["metadata"]!["labels"]), yaml.Stdout);

        var names = await PluginAsync(ct, "backup", "list", "-n", Ns, "-l", "e2e-conv=list,tier=gold", "-o", "name");
        Assert.Equal(("clusterbackupnow.ocp.oceanbase.com/plugin-conv-a\n", 0), (names.Stdout, names.ExitCode));
        var silver = await PluginAsync(ct, "backup", "list", "-n", Ns, "--selector", "tier in (silver)", "--no-headers");
        Assert.Matches(@"^plugin-conv-b\s+Succeeded\s+9422\s", Assert.Single(silver.Lines));
        var none = await PluginAsync(ct, "backup", "list", "-n", Ns, "-l", "tier=platinum");
        Assert.Equal(("", "No resources found in e2e namespace.\n", 0), (none.Stdout, none.Stderr, none.ExitCode));
    }

    [Fact]
    public async Task Watch_prints_the_list_then_a_row_for_each_phase_change()
    {
        var ct = TestTimeout.Token();
        var plugin = await KubectlOcp.PublishedAsync(ct);
        using var watch = Start(plugin, ["backup", "list", "-n", Ns, "-l", "e2e-conv=watch", "-w"]);
        try
        {
            var backup = Backups.Nfs("plugin-conv-watched", 9423);
            backup.Metadata.Labels = new Dictionary<string, string> { ["e2e-conv"] = "watch" };
            await env.CreateBackupAsync(backup, ct);
            var seen = new List<string>();
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(Timeout);
            while (await watch.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                seen.Add(line);
                if (Regex.IsMatch(line, @"^plugin-conv-watched\s+Succeeded\s+9423\s"))
                {
                    break;
                }
            }

            Assert.Contains(seen, l => Regex.IsMatch(l, @"^plugin-conv-watched\s+Succeeded\s"));
            var phases = seen.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c[0] == "plugin-conv-watched").Select(c => c[1]).Distinct().ToList();
            Assert.True(phases.Count >= 2, "no phase change seen: " + string.Join(" | ", seen));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Bash_completion_lists_backup_names_from_the_api_server()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-conv-completed", 9424), ct);
        var plugin = await KubectlOcp.PublishedAsync(ct);
        var script = $$"""
            export PATH='{{Path.GetDirectoryName(plugin)}}':"$PATH"
            source <(kubectl-ocp completion bash)
            COMP_WORDS=(kubectl-ocp -n {{Ns}} backup wait plugin-conv-comp); COMP_CWORD=5
            _kubectl_ocp
            printf '%s\n' "${COMPREPLY[@]}"
            COMP_WORDS=(kubectl-ocp backup de); COMP_CWORD=2
            _kubectl_ocp
            printf 'sub:%s\n' "${COMPREPLY[@]}"
            """;
        var run = await Kubectl.BashAsync(Admin, script, env.Api.Directory, ct);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("plugin-conv-completed\nsub:delete\nsub:describe\n", run.Stdout);

        // kubectl_complete-ocp speaks the same protocol for kubectl's own plugin completion.
        var complete = await PluginAsync(ct, "__complete", "-n", Ns, "backup", "describe", "plugin-conv-comp");
        Assert.Equal("plugin-conv-completed\n:4\n", complete.Stdout);
    }

    /// <summary>
    /// zsh loads the script with its own completion system (compinit, compdef); the completion function runs
    /// with the words zsh gives it, and compadd (a builtin only inside a completion widget) is captured.
    /// </summary>
    [Fact]
    public async Task Zsh_completion_lists_backup_names_from_the_api_server()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-conv-zsh-completed", 9427), ct);
        var plugin = await KubectlOcp.PublishedAsync(ct);
        var script = $$"""
            export PATH='{{Path.GetDirectoryName(plugin)}}':"$PATH"
            autoload -Uz compinit && compinit -u -D
            source <(kubectl-ocp completion zsh)
            [[ $_comps[kubectl-ocp] == _kubectl_ocp ]] || { print -u2 "compdef did not register kubectl-ocp"; exit 1 }
            compadd() { shift $(( ${@[(i)--]} )); print -l -- "$@" }
            words=(kubectl-ocp -n {{Ns}} backup wait plugin-conv-zsh-comp); CURRENT=6
            _kubectl_ocp
            words=(kubectl-ocp backup de); CURRENT=3
            _kubectl_ocp | sed 's/^/sub:/'
            """;
        var run = await ShellAsync("zsh", script, ct);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("plugin-conv-zsh-completed\nsub:delete\nsub:describe\n", run.Stdout);
    }

    /// <summary>fish's own completion engine (complete -C) runs the loaded script for a command line, as at a TAB.</summary>
    [Fact]
    public async Task Fish_completion_lists_backup_names_from_the_api_server()
    {
        var ct = TestTimeout.Token();
        await env.CreateBackupAsync(Backups.Nfs("plugin-conv-fish-completed", 9428), ct);
        var plugin = await KubectlOcp.PublishedAsync(ct);
        var script = $$"""
            set -gx PATH '{{Path.GetDirectoryName(plugin)}}' $PATH
            kubectl-ocp completion fish | source
            complete -C 'kubectl-ocp -n {{Ns}} backup wait plugin-conv-fish-comp'
            for c in (complete -C 'kubectl-ocp backup de'); echo sub:$c; end
            """;
        var run = await ShellAsync("fish", script, ct);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("plugin-conv-fish-completed\nsub:delete\nsub:describe\n", run.Stdout);
    }

    /// <summary>Runs <paramref name="script"/> in <paramref name="shell"/> (not installed: the test fails, naming it) with the admin kubeconfig.</summary>
    private async Task<KubectlOcp.Run> ShellAsync(string shell, string script, CancellationToken ct)
    {
        var info = new ProcessStartInfo(shell, ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["KUBECONFIG"] = Admin;
        info.Environment["HOME"] = E2ERun.LogDirectory;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(Timeout);
            await process.WaitForExitAsync(bound.Token);
            return new KubectlOcp.Run(process.ExitCode, await stdout, await stderr, clock.Elapsed);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task As_a_user_without_rights_is_forbidden_with_exit_3()
    {
        var ct = TestTimeout.Token();
        var run = await PluginAsync(ct, "backup", "list", "-n", Ns, "--as", "system:serviceaccount:e2e:plugin-conv-nobody", "--as-group", "system:authenticated");
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Matches("^error: clusterbackupnows.ocp.oceanbase.com is forbidden: User \"system:serviceaccount:e2e:plugin-conv-nobody\" cannot list resource", run.Stderr);
        Assert.True((await PluginAsync(ct, "backup", "list", "-n", Ns)).ExitCode == 0);
    }

    /// <summary>
    /// The signal a terminal's Ctrl-C (or a `kill`) sends ends `backup wait` with one line and the shell's code.
    /// The plugin starts as a shell starts a foreground job: SIGINT at its default. A process started from a
    /// non-interactive shell's background job (as the test host may be) inherits SIGINT ignored, and .NET keeps
    /// a signal ignored at start ignored, so the signal would never reach the plugin.
    /// </summary>
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_during_wait_ends_it_with_one_line_and_the_shells_code(string signal, int code)
    {
        var ct = TestTimeout.Token();
        // A Secret that does not exist: the backup waits for it, and so does `backup wait`.
        var name = "plugin-conv-sig" + signal.ToLowerInvariant();
        await env.CreateBackupAsync(Backups.Nfs(name, signal == "INT" ? 9425 : 9426, secret: "plugin-conv-no-such-secret"), ct);
        var plugin = await KubectlOcp.PublishedAsync(ct);
        using var wait = Start("env", ["--default-signal=INT", plugin, "backup", "wait", name, "-n", Ns]);
        try
        {
            var stderr = wait.StandardError.ReadToEndAsync(ct);
            var stdout = wait.StandardOutput.ReadToEndAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // the plugin is connected and watching
            Assert.False(wait.HasExited, "backup wait ended before the signal");
            Assert.DoesNotMatch(@"SigIgn:\s*\S*[2367abef]\s*$", File.ReadAllLines($"/proc/{wait.Id}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)));
            using (var kill = Process.Start("kill", ["-" + signal, wait.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
            }

            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(TimeSpan.FromSeconds(20));
            await wait.WaitForExitAsync(bound.Token);
            Assert.Equal((code, "interrupted\n", ""), (wait.ExitCode, await stderr, await stdout));
        }
        finally
        {
            if (!wait.HasExited)
            {
                wait.Kill(entireProcessTree: true);
            }
        }
    }

    private Process Start(string file, string[] args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["KUBECONFIG"] = Admin;
        info.Environment["HOME"] = E2ERun.LogDirectory;
        return Process.Start(info)!;
    }

    private Task<KubectlOcp.Run> PluginAsync(CancellationToken ct, params string[] args) =>
        KubectlOcp.RunAsync(args, ct, new Dictionary<string, string> { ["KUBECONFIG"] = Admin });
}
