using System.CommandLine;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>`schedule list|describe`, `connection list|describe` and `backup delete`.</summary>
public sealed partial class PluginCommands
{
    public Command ScheduleList { get; } = new("list",
        "List schedules: NAME, SCHEDULE (cron), INCREMENTAL (cron), SUSPEND, ACTIVE (unfinished backups), LAST SCHEDULE (the newest slot handled), LAST RESULT (phase of its newest backup), AGE.");

    /// <summary>-A, -o, --no-headers, -l, -w on `schedule list`.</summary>
    public ListOptions ScheduleListFlags { get; } = new();

    /// <summary>-o, --no-headers, -l, -w on `connection list` (cluster-scoped: no -A).</summary>
    public ListOptions ConnectionListFlags { get; } = new();

    public Command ScheduleDescribe { get; } = new("describe",
        "Show one schedule: its timing and backup template, what it did last and does next, its recent backups, conditions and events.");

    public Argument<string> ScheduleDescribeName { get; } = new("NAME") { Description = "The ClusterBackupSchedule to describe." };

    public Command ConnectionList { get; } = new("list", """
        List ClusterOcpConnections (cluster-scoped: -n does not apply): NAME, URL, READY, REASON,
        NAMESPACES (granted by name; "selector" when spec.namespaceSelector grants more),
        CLUSTERS (spec.allowedClusterIds; "all" when none are listed), AGE.
        Reading them takes the clusterocpconnection-viewer ClusterRole (config/rbac), bound on purpose.
        """);

    public Command ConnectionDescribe { get; } = new("describe",
        "Show one ClusterOcpConnection: its URL and credentials Secret (by name), whom it grants (namespaces, namespace selector, clusters), Ready and why, conditions and events.");

    public Argument<string> ConnectionDescribeName { get; } = new("NAME") { Description = "The ClusterOcpConnection to describe." };

    public Command Delete { get; } = new("delete", """
        Delete a ClusterBackupNow: the resource only. The backup in OCP and its files are kept: the
        operator never deletes backups in OCP, and holds no finalizer, so the resource is gone at once.
        A running backup goes on in OCP; nothing watches it any more.
          kubectl ocp backup delete nightly-42 -n db
        """);

    public Argument<string> DeleteName { get; } = new("NAME") { Description = "The ClusterBackupNow to delete." };

    private Command ScheduleListCommand()
    {
        ScheduleListFlags.AddTo(ScheduleList);
        return ScheduleList;
    }

    private Command ScheduleDescribeCommand()
    {
        ScheduleDescribe.Arguments.Add(ScheduleDescribeName);
        return ScheduleDescribe;
    }

    private Command ConnectionCommand()
    {
        ConnectionListFlags.AddTo(ConnectionList, namespaced: false);
        ConnectionDescribe.Arguments.Add(ConnectionDescribeName);
        return new Command("connection", "ClusterOcpConnection: an OCP connection administrators own, and whom it grants.") { ConnectionList, ConnectionDescribe };
    }

    private Command DeleteCommand()
    {
        Delete.Arguments.Add(DeleteName);
        return Delete;
    }
}
