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
        Assert.True(Parse("schedule", "list", "-A").GetValue(_commands.ScheduleAllNamespaces));
        Assert.False(Parse("schedule", "list", "-n", "db").GetValue(_commands.ScheduleAllNamespaces));
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

    private System.CommandLine.ParseResult Parse(params string[] args) => PluginCli.Parse(_commands, args);
}
