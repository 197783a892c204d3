using System.Globalization;
using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.Operator.Controllers.ClusterBackupNow;

/// <summary>
/// Who may back up which OCP cluster with a ClusterOcpConnection: its namespaces (by name or by
/// label selector; neither grants nobody) and its allowed cluster ids (none listed: all).
/// A denial names the connection and the rule, never a credential.
/// </summary>
public static class ConnectionGrant
{
    /// <summary>Null when the namespace may back up the cluster with the connection; else why not.</summary>
    public static string? Denial(V1alpha1ClusterOcpConnection connection, string ns, IDictionary<string, string>? namespaceLabels, long clusterId)
    {
        var name = connection.Metadata.Name;
        var spec = connection.Spec;
        var byName = spec.Namespaces?.Contains(ns, StringComparer.Ordinal) == true;
        var byLabel = spec.NamespaceSelector is { } selector && namespaceLabels is not null && Matches(selector, namespaceLabels);
        if (!byName && !byLabel)
        {
            return spec.Namespaces is not { Count: > 0 } && spec.NamespaceSelector is null
                ? $"ClusterOcpConnection {name} grants no namespace (spec.namespaces and spec.namespaceSelector are both empty)"
                : $"ClusterOcpConnection {name} does not grant namespace {ns}: it is not in spec.namespaces"
                    + (spec.NamespaceSelector is null ? "" : " and its labels do not match spec.namespaceSelector");
        }

        if (spec.AllowedClusterIds is { Count: > 0 } allowed && !allowed.Contains(clusterId))
        {
            return $"ClusterOcpConnection {name} does not allow cluster {clusterId.ToString(CultureInfo.InvariantCulture)} " +
                $"(spec.allowedClusterIds: {string.Join(", ", allowed.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        }

        return null;
    }

    /// <summary>Kubernetes label selector semantics: every matchLabels pair and every expression holds; an empty selector matches all.</summary>
    public static bool Matches(V1LabelSelector selector, IDictionary<string, string> labels)
    {
        if (selector.MatchLabels is { } pairs && pairs.Any(p => !labels.TryGetValue(p.Key, out var v) || v != p.Value))
        {
            return false;
        }

        return selector.MatchExpressions?.All(e => Holds(e, labels)) != false;
    }

    private static bool Holds(V1LabelSelectorRequirement e, IDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(e.Key, out var value);
        var values = e.Values ?? [];
        return e.OperatorProperty switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false, // an operator this code does not know grants nothing
        };
    }
}
