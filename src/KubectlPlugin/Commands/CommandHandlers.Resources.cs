using System.CommandLine;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Kubernetes;
using BackupOperator.KubectlPlugin.Output;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Commands;

/// <summary>`schedule list|describe`, `connection list|describe`, `backup delete`, and what every list and describe shares.</summary>
public sealed partial class CommandHandlers
{
    /// <summary>The namespace the operator writes events about cluster-scoped objects (ClusterOcpConnection) in.</summary>
    public const string ClusterScopedEventsNamespace = "kube-system";

    private void BindResources()
    {
        commands.ScheduleList.SetAction((p, ct) => ListAsync(p, commands.ScheduleListFlags, ScheduleTable.View, namespaced: true, ct));
        commands.ScheduleDescribe.SetAction(ScheduleDescribeAsync);
        commands.ConnectionList.SetAction((p, ct) => ListAsync(p, commands.ConnectionListFlags, ConnectionTable.View, namespaced: false, ct));
        commands.ConnectionDescribe.SetAction(ConnectionDescribeAsync);
        commands.Delete.SetAction(DeleteAsync);
    }

    private async Task<int> ScheduleDescribeAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        var api = new BackupApi(connection.Client);
        var name = p.GetValue(commands.ScheduleDescribeName)!;
        var schedule = await api.GetScheduleAsync(connection.Namespace, name, ct)
            ?? throw new PluginException($"clusterbackupschedule \"{name}\" not found in namespace \"{connection.Namespace}\"", ExitCodes.NotFoundOrForbidden);

        // Its children: the schedule's label, and its controller reference (a label alone can be copied onto anything).
        var selector = $"{V1alpha1ClusterBackupSchedule.ScheduleLabel}={ChildNames.LabelValue(name)}";
        var children = (await api.ListBackupsAsync(connection.Namespace, ct, selector))
            .Where(b => b.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == schedule.Metadata.Uid) == true)
            .ToList();
        var (events, unavailable) = await EventsAsync(api, connection, connection.Namespace, V1alpha1ClusterBackupSchedule.EntityKind, schedule.Metadata, ct);
        await console.Out.WriteAsync(ScheduleDescription.Render(schedule, children, events, unavailable, console.Time.GetUtcNow()));
        return ExitCodes.Ok;
    }

    private async Task<int> ConnectionDescribeAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        var api = new BackupApi(connection.Client);
        var name = p.GetValue(commands.ConnectionDescribeName)!;
        var found = await api.GetConnectionAsync(name, ct)
            ?? throw new PluginException($"clusterocpconnection \"{name}\" not found", ExitCodes.NotFoundOrForbidden);
        var (events, unavailable) = await EventsAsync(api, connection, ClusterScopedEventsNamespace, V1alpha1ClusterOcpConnection.EntityKind, found.Metadata, ct);
        await console.Out.WriteAsync(ConnectionDescription.Render(found, events, unavailable, console.Time.GetUtcNow()));
        return ExitCodes.Ok;
    }

    private async Task<int> DeleteAsync(ParseResult p, CancellationToken ct)
    {
        using var connection = Connect(p);
        var name = p.GetValue(commands.DeleteName)!;
        if (!await new BackupApi(connection.Client).DeleteBackupAsync(connection.Namespace, name, ct))
        {
            throw new PluginException($"clusterbackupnow \"{name}\" not found in namespace \"{connection.Namespace}\"", ExitCodes.NotFoundOrForbidden);
        }

        await console.Out.WriteLineAsync(DeletedLine(name));
        return ExitCodes.Ok;
    }

    /// <summary>kubectl's line, and what was not deleted.</summary>
    public static string DeletedLine(string name) =>
        $"clusterbackupnow.ocp.oceanbase.com \"{name}\" deleted (OCP's backup and its files are kept; the operator does not delete backups in OCP)";

    /// <summary>The object's events; events are a bonus: a refusal to read them (403) does not fail describe, it is shown in their place.</summary>
    private static async Task<(IReadOnlyList<Corev1Event>? Events, string? Unavailable)> EventsAsync(
        BackupApi api, KubeSession connection, string ns, string kind, V1ObjectMeta about, CancellationToken ct)
    {
        try
        {
            return (await api.EventsAsync(ns, kind, about.Name, about.Uid, ct), null);
        }
        catch (KubeApiException e)
        {
            return (null, ApiErrors.Describe(e, connection.Server).Message);
        }
    }
}
