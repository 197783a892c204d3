using System.Globalization;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp connection list`: one row per ClusterOcpConnection, whether it works and whom it grants.</summary>
public static class ConnectionTable
{
    /// <summary>As `-o name` names a connection: clusterocpconnection.ocp.oceanbase.com/NAME.</summary>
    public static readonly string Resource = $"{V1alpha1ClusterOcpConnection.EntityKind.ToLowerInvariant()}.{V1alpha1ClusterOcpConnection.ApiGroup}";

    public static ListView<V1alpha1ClusterOcpConnection> View(DateTimeOffset now) => new(
        Resource,
        $"{V1alpha1ClusterOcpConnection.ApiGroup}/{V1alpha1ClusterOcpConnection.Version}",
        V1alpha1ClusterOcpConnection.EntityKind,
        [
            new("URL", c => BackupTable.Or(c.Spec.Url, "<none>")),
            new("READY", c => BackupTable.Or(c.Status.ReadyCondition()?.Status, "Unknown")),
            new("REASON", c => BackupTable.Or(c.Status.ReadyCondition()?.Reason, "<none>")),
            new("NAMESPACES", c => Namespaces(c.Spec)),
            new("CLUSTERS", c => Clusters(c.Spec)),
            new("AGE", c => Age.Of(c.Metadata.CreationTimestamp, now)),
        ],
        []);

    public static string Render(IEnumerable<V1alpha1ClusterOcpConnection> connections, DateTimeOffset now) =>
        ListOutput.Render(View(now), connections.Select(c => new Listed<V1alpha1ClusterOcpConnection>(c, [])).ToList(), new ListFormat());

    /// <summary>The namespaces granted by name, and "selector" when a namespace selector grants more; "&lt;none&gt;": nobody may use it.</summary>
    public static string Namespaces(ClusterOcpConnectionSpec spec)
    {
        var parts = (spec.Namespaces ?? []).Order(StringComparer.Ordinal).ToList();
        if (spec.NamespaceSelector is { } selector)
        {
            parts.Add($"selector({Selector(selector)})");
        }

        return parts.Count == 0 ? "<none>" : string.Join(',', parts);
    }

    /// <summary>The OCP cluster ids it may back up; "all": every cluster its OCP user can reach.</summary>
    public static string Clusters(ClusterOcpConnectionSpec spec) =>
        spec.AllowedClusterIds is { Count: > 0 } ids ? string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) : "all";

    /// <summary>A label selector as kubectl writes one: team=db,env in (prod,staging),!legacy; an empty one matches every namespace.</summary>
    public static string Selector(V1LabelSelector selector)
    {
        var terms = (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")
            .Concat((selector.MatchExpressions ?? []).Select(e => e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(',', e.Values ?? [])})",
                "NotIn" => $"{e.Key} notin ({string.Join(',', e.Values ?? [])})",
                "Exists" => e.Key,
                "DoesNotExist" => "!" + e.Key,
                _ => $"{e.Key} {e.OperatorProperty} ({string.Join(',', e.Values ?? [])})",
            }))
            .ToList();
        return terms.Count == 0 ? "every namespace" : string.Join(',', terms);
    }
}
