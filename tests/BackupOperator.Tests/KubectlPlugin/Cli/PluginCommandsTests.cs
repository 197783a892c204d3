using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.Tests.KubectlPlugin.Cli;

/// <summary>The flags as kubectl users type them, and the combinations refused before anything is sent.</summary>
public sealed class PluginCommandsTests
{
    private readonly PluginCommands _commands = new();

    [Fact]
    public void Create_from_a_file_with_wait_and_kubectls_flags_before_or_after_the_command()
    {
        var p = Parse("--kubeconfig=/k", "-n", "db", "backup", "create", "nightly-42", "-f", "backup.yaml", "--wait", "--timeout", "1h30m", "--context", "prod");
        Assert.Empty(p.Errors);
        Assert.Same(_commands.Create, p.CommandResult.Command);
        Assert.Equal("nightly-42", p.GetValue(_commands.CreateName));
        Assert.Equal("backup.yaml", p.GetValue(_commands.File));
        Assert.True(p.GetValue(_commands.CreateWait));
        Assert.Equal(TimeSpan.FromMinutes(90), p.GetValue(_commands.CreateTimeout));
        Assert.Equal(("/k", "prod", "db"), (p.GetValue(_commands.Kubeconfig), p.GetValue(_commands.Context), p.GetValue(_commands.Namespace)));
    }

    [Fact]
    public void Create_from_a_schedule_incremental_and_the_name_is_optional()
    {
        var p = Parse("backup", "create", "drill-1", "--from-schedule", "nightly", "--incremental", "--namespace", "db");
        Assert.Empty(p.Errors);
        Assert.Equal(("drill-1", "nightly", true), (p.GetValue(_commands.CreateName), p.GetValue(_commands.FromSchedule), p.GetValue(_commands.Incremental)));
        Assert.Equal("db", p.GetValue(_commands.Namespace));
        Assert.Empty(Parse("backup", "create", "-f", "-").Errors);
        var unnamed = Parse("backup", "create", "--from-schedule", "nightly");
        Assert.Empty(unnamed.Errors);
        Assert.Null(unnamed.GetValue(_commands.CreateName));
        Assert.Null(Parse("backup", "create", "-f", "b.yaml").GetValue(_commands.CreateTimeout));
    }

    [Theory]
    [InlineData("give exactly one of -f FILE and --from-schedule SCHEDULE", "backup", "create", "x")]
    [InlineData("give exactly one of -f FILE and --from-schedule SCHEDULE", "backup", "create", "x", "-f", "a.yaml", "--from-schedule", "s")]
    [InlineData("NAME is empty", "backup", "create", "", "--from-schedule", "s")]
    [InlineData("--incremental goes with --from-schedule", "backup", "create", "x", "-f", "a.yaml", "--incremental")]
    [InlineData("--timeout goes with --wait", "backup", "create", "x", "-f", "a.yaml", "--timeout", "5m")]
    [InlineData("--timeout goes with --wait", "schedule", "run-now", "nightly", "--timeout", "5m")]
    [InlineData("invalid --timeout '5': use a duration like 30s, 5m, 2h or 1h30m", "backup", "wait", "x", "--timeout", "5")]
    [InlineData("invalid --timeout '-1s'", "backup", "wait", "x", "--timeout", "-1s")]
    [InlineData("Required argument missing", "backup", "wait")]
    [InlineData("Required argument missing", "backup", "describe")]
    [InlineData("Required argument missing", "schedule", "run-now")]
    [InlineData("Required command was not provided", "backup")]
    [InlineData("Unrecognized command or argument '--all'", "backup", "list", "--all")]
    [InlineData("Required argument missing", "backup", "delete")]
    [InlineData("Required argument missing", "schedule", "describe")]
    [InlineData("Required argument missing", "connection", "describe")]
    [InlineData("Unrecognized command or argument '-A'", "connection", "list", "-A")]
    public void Refused_combinations_name_the_problem(string expected, params string[] args)
    {
        var p = Parse(args);
        Assert.NotEmpty(p.Errors);
        Assert.Contains(expected, PluginCli.UsageError(p), StringComparison.Ordinal);
    }

    [Fact]
    public void A_usage_error_is_one_line_that_points_at_the_commands_help()
    {
        Assert.Equal("error: --incremental goes with --from-schedule; a manifest states its own dataBackupMode (see 'kubectl ocp backup create --help')",
            PluginCli.UsageError(Parse("backup", "create", "x", "-f", "a.yaml", "--incremental")));
        Assert.EndsWith("(see 'kubectl ocp --help')", PluginCli.UsageError(Parse("nonsense")), StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_list_describe_and_run_now()
    {
        var wait = Parse("backup", "wait", "nightly-1", "--timeout", "0");
        Assert.Empty(wait.Errors);
        Assert.Equal(("nightly-1", TimeSpan.Zero), (wait.GetValue(_commands.WaitName), wait.GetValue(_commands.WaitTimeout)));
        Assert.Null(Parse("backup", "wait", "nightly-1").GetValue(_commands.WaitTimeout)); // no limit by default
        Assert.True(Parse("backup", "list", "-A").GetValue(_commands.AllNamespaces));
        Assert.True(Parse("backup", "list", "--all-namespaces").GetValue(_commands.AllNamespaces));
        Assert.Equal("x", Parse("backup", "describe", "x").GetValue(_commands.DescribeName));
        var runNow = Parse("schedule", "run-now", "nightly", "--wait", "--timeout", "2h");
        Assert.Empty(runNow.Errors);
        Assert.Equal(("nightly", true, TimeSpan.FromHours(2)), (runNow.GetValue(_commands.RunNowSchedule), runNow.GetValue(_commands.RunNowWait), runNow.GetValue(_commands.RunNowTimeout)));
    }

    [Fact]
    public void Schedule_and_connection_list_and_describe_and_backup_delete()
    {
        Assert.True(Parse("schedule", "list", "-A").GetValue(_commands.ScheduleListFlags.AllNamespaces));
        Assert.False(Parse("schedule", "list", "-n", "db").GetValue(_commands.ScheduleListFlags.AllNamespaces));
        Assert.Equal("nightly", Parse("schedule", "describe", "nightly").GetValue(_commands.ScheduleDescribeName));
        Assert.Same(_commands.ConnectionList, Parse("connection", "list").CommandResult.Command);
        Assert.Equal("ocp-main", Parse("connection", "describe", "ocp-main").GetValue(_commands.ConnectionDescribeName));
        var delete = Parse("backup", "delete", "nightly-1", "-n", "db");
        Assert.Empty(delete.Errors);
        Assert.Equal("nightly-1", delete.GetValue(_commands.DeleteName));
    }

    [Fact]
    public void An_at_sign_is_a_name_not_a_response_file()
    {
        var p = Parse("backup", "wait", "@nightly");
        Assert.Empty(p.Errors);
        Assert.Equal("@nightly", p.GetValue(_commands.WaitName));
    }

    [Fact]
    public void Kubectls_connection_flags_become_overrides_of_the_kubeconfig()
    {
        var p = Parse("backup", "list", "--as", "jane", "--as-group", "devs", "--as-group=ops", "-s", "https://other:6443", "--token", "t",
            "--insecure-skip-tls-verify", "--request-timeout", "1m30s", "--cluster", "c", "--user", "u", "--context", "prod");
        Assert.Empty(p.Errors);
        var o = _commands.Connection.Read(p, "prod");
        Assert.Equal(("jane", "https://other:6443", "t", true), (o.Impersonate, o.Server, o.Token, o.InsecureSkipTlsVerify));
        Assert.Equal(["devs", "ops"], o.ImpersonateGroups);
        Assert.Equal((TimeSpan.FromSeconds(90), "c", "u", "prod"), (o.RequestTimeout, o.Cluster, o.User, o.Context));
        var none = _commands.Connection.Read(Parse("backup", "list"), null);
        Assert.Empty(none.ImpersonateGroups);
        Assert.Equal((null, null, null, null), (none.Impersonate, none.Server, none.InsecureSkipTlsVerify, none.RequestTimeout));
    }

    [Theory]
    [InlineData("0", -1)] // kubectl's 0: no timeout
    [InlineData("45", 45)] // a bare number is seconds, as kubectl takes it
    [InlineData("2m", 120)]
    public void Request_timeout_takes_kubectls_forms(string text, int seconds)
    {
        var o = _commands.Connection.Read(Parse("version", "--request-timeout", text), null);
        Assert.Equal(seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds), o.RequestTimeout);
    }

    [Theory]
    [InlineData("invalid --request-timeout '5x'", "backup", "list", "--request-timeout", "5x")]
    [InlineData("invalid --request-timeout '-1s'", "backup", "list", "--request-timeout", "-1s")]
    public void A_bad_request_timeout_is_a_usage_error(string expected, params string[] args) =>
        Assert.Contains(expected, PluginCli.UsageError(Parse(args)), StringComparison.Ordinal);

    [Fact]
    public void List_takes_kubectl_gets_flags()
    {
        var p = Parse("backup", "list", "-o", "yaml", "--no-headers", "-l", "app=db,tier!=test", "-w", "-A");
        Assert.Empty(p.Errors);
        var r = _commands.ListFlags.Read(p);
        Assert.Equal((BackupOperator.KubectlPlugin.Output.OutputFormat.Yaml, true, true), (r.Format.Output, r.Format.NoHeaders, r.Format.WithNamespace));
        Assert.Equal(("app=db,tier!=test", true, false), (r.Selector, r.Watch, r.WatchOnly));
        var only = _commands.ListFlags.Read(Parse("backup", "list", "--watch-only", "--output=name", "--selector", " "));
        Assert.Equal((BackupOperator.KubectlPlugin.Output.OutputFormat.Name, null, true, true), (only.Format.Output, only.Selector, only.Watch, only.WatchOnly));
        Assert.Equal(BackupOperator.KubectlPlugin.Output.OutputFormat.Wide, _commands.ListFlags.Read(Parse("backup", "list", "-owide")).Format.Output);
        Assert.Equal(BackupOperator.KubectlPlugin.Output.OutputFormat.Table, _commands.ListFlags.Read(Parse("backup", "list")).Format.Output);
    }

    [Fact]
    public void A_bad_output_format_is_a_usage_error_naming_the_allowed_ones() =>
        Assert.Equal("error: unable to match a printer suitable for the output format \"xml\", allowed formats are: json,yaml,name,wide (see 'kubectl ocp backup list --help')",
            PluginCli.UsageError(Parse("backup", "list", "-o", "xml")));

    private System.CommandLine.ParseResult Parse(params string[] args) => PluginCli.Parse(_commands, args);
}
