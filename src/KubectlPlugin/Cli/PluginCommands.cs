using System.CommandLine;
using System.CommandLine.Parsing;
using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>
/// The command tree, its flags and their help: `kubectl ocp backup create|wait|list|describe` and
/// `kubectl ocp schedule run-now` and `kubectl ocp secret grant`, with kubectl's --kubeconfig, --context
/// and -n on every one.
/// </summary>
public sealed partial class PluginCommands
{
    public PluginCommands()
    {
        VersionCommand.Options.Add(ClientOnly);
        Completion.Arguments.Add(CompletionShell);
        Root = new RootCommand("Create, wait for and inspect OceanBase backups run by BackupOperator (ClusterBackupNow, ClusterBackupSchedule).")
        {
            Kubeconfig, Context, Namespace, BackupCommand(), ScheduleCommand(), ConnectionCommand(), SecretCommand(), VersionCommand, Completion,
        };
        foreach (var flag in Connection.All)
        {
            Root.Options.Add(flag);
        }
    }

    /// <summary>How users call the plugin: kubectl finds kubectl-ocp on PATH and runs it for `kubectl ocp`.</summary>
    public const string DisplayName = "kubectl ocp";

    public RootCommand Root { get; }

    /// <summary>kubectl's other connection flags (--as, --server, --token, --request-timeout, ...).</summary>
    public ConnectionFlags Connection { get; } = new();

    public Command VersionCommand { get; } = new("version", "Print the plugin's version, and the API server's when one is reachable.");

    public Command Completion { get; } = new("completion", "Print a bash, zsh or fish completion script: subcommands, flags, and backup and schedule names from the API server.");

    public Argument<string> CompletionShell { get; } = new Argument<string>("SHELL")
    {
        Description = """
            bash, zsh or fish. The script completes the plugin called by its file name; for `kubectl ocp <TAB>`
            (kubectl 1.26 and later) put kubectl_complete-ocp, from the release archive, on PATH beside the plugin.
              bash:  source <(kubectl-ocp completion bash)   (or save it as /etc/bash_completion.d/kubectl-ocp)
              zsh:   source <(kubectl-ocp completion zsh)
              fish:  kubectl-ocp completion fish | source
            """,
    }.AcceptOnlyFromAmong(CompletionScripts.Shells);

    public Option<bool> ClientOnly { get; } = new("--client") { Description = "Only the plugin's version: do not ask the server." };

    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "Path to the kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the Pod's service account).",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "The kubeconfig context to use (default: its current-context).",
        HelpName = "NAME",
        Recursive = true,
    };

    public Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "The namespace (default: the context's namespace, else \"default\").",
        HelpName = "NAMESPACE",
        Recursive = true,
    };

    public Command Create { get; } = new("create", """
        Create a ClusterBackupNow and print its name.
          from a manifest:   kubectl ocp backup create nightly-42 -f backup.yaml --wait --timeout 2h
          from a schedule:   kubectl ocp backup create drill-1 --from-schedule nightly
          a name made for it: kubectl ocp backup create --from-schedule nightly   (nightly-manual-20261206t044012z)
        A backup from a schedule copies its backupTemplate (labels, annotations, spec) with
        dataBackupMode FULL_BACKUP (INCREMENTAL_BACKUP with --incremental); the schedule does not
        own it, so its history limits never delete it.
        """);

    public Argument<string?> CreateName { get; } = new("NAME")
    {
        Description = "The backup's name (with -f: replaces the manifest's metadata.name; with --from-schedule and no NAME: <schedule>-manual-<UTC yyyyMMdd't'HHmmss'z'>).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<string?> File { get; } = new("--filename", "-f")
    {
        Description = "A file with one ClusterBackupNow (YAML or JSON); - reads standard input.",
        HelpName = "FILE",
    };

    public Option<string?> FromSchedule { get; } = new("--from-schedule")
    {
        Description = "Copy the backupTemplate of this ClusterBackupSchedule.",
        HelpName = "SCHEDULE",
    };

    public Option<bool> Incremental { get; } = new("--incremental")
    {
        Description = "With --from-schedule: an INCREMENTAL_BACKUP instead of a FULL_BACKUP.",
    };

    public Option<bool> CreateWait { get; } = new("--wait")
    {
        Description = "Then wait until the backup ends, as `kubectl ocp backup wait` does (same output and exit codes).",
    };

    public Option<TimeSpan?> CreateTimeout { get; } = TimeoutOption();

    public Command Wait { get; } = new("wait", """
        Wait until a backup is Succeeded or Failed, print one line (phase, cluster, task ids,
        traceId, and OCP's reason and hint on failure), and exit by its result:
          0 Succeeded   1 Failed   2 timed out   3 not found or not allowed   4 any other error
          130 interrupted (Ctrl-C)   143 terminated (SIGTERM)
        """);

    public Argument<string> WaitName { get; } = new("NAME") { Description = "The ClusterBackupNow to wait for." };

    public Option<TimeSpan?> WaitTimeout { get; } = TimeoutOption();

    public Command List { get; } = new("list", """
        List backups: NAME, PHASE, CLUSTER, MODES (backupMode/dataBackupMode), TASKS (OCP task ids), AGE;
        -o wide adds TRACEID, SUBMITTED and COMPLETED (UTC).
          kubectl ocp backup list -l ocp.oceanbase.com/schedule=nightly -o name
          kubectl ocp backup list -o yaml > backups.yaml
          kubectl ocp backup list -w
        """);

    /// <summary>kubectl get's list flags (-A, -o, --no-headers, -l, -w), shared by every list command.</summary>
    public ListOptions ListFlags { get; } = new();

    public Option<bool> AllNamespaces => ListFlags.AllNamespaces;

    public Command Describe { get; } = new("describe", "Show one backup: its spec, OCP's verdict, tasks (state, times), traceId, conditions and events.");

    public Argument<string> DescribeName { get; } = new("NAME") { Description = "The ClusterBackupNow to describe." };

    public Command RunNow { get; } = new("run-now", """
        Start an extra FULL backup of a ClusterBackupSchedule now: sets a fresh run-now token
        (annotation ocp.oceanbase.com/run-now) and prints it with the name of the backup the operator
        creates for it (<schedule>-now-<hash of the token>).
        """);

    public Argument<string> RunNowSchedule { get; } = new("SCHEDULE") { Description = "The ClusterBackupSchedule." };

    public Option<bool> RunNowWait { get; } = new("--wait")
    {
        Description = "Then wait for that backup, as `kubectl ocp backup wait` does (same output and exit codes).",
    };

    public Option<TimeSpan?> RunNowTimeout { get; } = TimeoutOption();

    public Command Grant { get; } = new("grant", """
        Let backups in the namespace use one of its Secrets (spec.ocpSecretRef, accessKeySecretRef):
        creates a Role that grants get on that Secret only, and a RoleBinding of it to the
        operator's ServiceAccount. Until then a backup naming the Secret waits (SecretNotGranted)
        and the operator can neither read nor send it. Only who may read the Secret can grant it.
        Objects that exist already and grant the same are left as they are.
          kubectl ocp secret grant ocp-credentials -n db
        """);

    public Argument<string> GrantSecret { get; } = new("NAME") { Description = "The Secret in the namespace." };

    public Option<string> OperatorNamespace { get; } = new("--operator-namespace")
    {
        Description = "The namespace of the operator's ServiceAccount.",
        HelpName = "NAMESPACE",
        DefaultValueFactory = _ => SecretGrant.OperatorNamespace,
    };

    public Option<string> OperatorServiceAccount { get; } = new("--operator-service-account")
    {
        Description = "The operator's ServiceAccount.",
        HelpName = "NAME",
        DefaultValueFactory = _ => SecretGrant.OperatorServiceAccount,
    };

    private Command BackupCommand()
    {
        Create.Arguments.Add(CreateName);
        Create.Options.Add(File);
        Create.Options.Add(FromSchedule);
        Create.Options.Add(Incremental);
        Create.Options.Add(CreateWait);
        Create.Options.Add(CreateTimeout);
        Create.Validators.Add(ValidateCreate);
        Wait.Arguments.Add(WaitName);
        Wait.Options.Add(WaitTimeout);
        ListFlags.AddTo(List);
        Describe.Arguments.Add(DescribeName);
        return new Command("backup", "ClusterBackupNow: one on-demand backup through OCP.") { Create, Wait, List, Describe, DeleteCommand() };
    }

    private Command ScheduleCommand()
    {
        RunNow.Arguments.Add(RunNowSchedule);
        RunNow.Options.Add(RunNowWait);
        RunNow.Options.Add(RunNowTimeout);
        RunNow.Validators.Add(result =>
        {
            if (result.GetValue(RunNowTimeout) is not null && !result.GetValue(RunNowWait))
            {
                result.AddError("--timeout goes with --wait");
            }
        });
        return new Command("schedule", "ClusterBackupSchedule: full and incremental backups on a cron.") { ScheduleListCommand(), ScheduleDescribeCommand(), RunNow };
    }

    private Command SecretCommand()
    {
        Grant.Arguments.Add(GrantSecret);
        Grant.Options.Add(OperatorNamespace);
        Grant.Options.Add(OperatorServiceAccount);
        Grant.Validators.Add(result =>
        {
            if (result.GetValue(GrantSecret) is { } name && !SecretGrant.IsValidName(name))
            {
                result.AddError($"'{name}' is not a Secret name (lower-case letters, digits, '-' and '.')");
            }
        });
        return new Command("secret", "A namespace's Secrets that its backups use.") { Grant };
    }

    private void ValidateCreate(CommandResult result)
    {
        var file = result.GetValue(File);
        var schedule = result.GetValue(FromSchedule);
        if (file is null == schedule is null)
        {
            result.AddError("give exactly one of -f FILE and --from-schedule SCHEDULE");
        }
        else if (schedule is not null && result.GetValue(CreateName) is { } name && string.IsNullOrWhiteSpace(name))
        {
            result.AddError("NAME is empty: give a name, or none to have one made (<schedule>-manual-<UTC time>)");
        }
        else if (file is not null && result.GetValue(Incremental))
        {
            result.AddError("--incremental goes with --from-schedule; a manifest states its own dataBackupMode");
        }

        if (result.GetValue(CreateTimeout) is not null && !result.GetValue(CreateWait))
        {
            result.AddError("--timeout goes with --wait");
        }
    }

    private static Option<TimeSpan?> TimeoutOption() => new("--timeout")
    {
        Description = "How long to wait, as kubectl takes durations (30s, 5m, 2h, 1h30m); 0 looks once. Default: no limit.",
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (GoDuration.TryParse(text, out var d))
            {
                return d;
            }

            result.AddError($"invalid --timeout '{text}': use a duration like 30s, 5m, 2h or 1h30m");
            return null;
        },
    };
}
