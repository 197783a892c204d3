using System.Globalization;
using System.Text;
using BackupOperator.Entities;
using k8s.Models;
using static BackupOperator.KubectlPlugin.Output.DescribeText;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>`kubectl ocp connection describe`: where OCP is, whose credentials (the Secret's name, never its data), whom it grants, and whether it works.</summary>
public static class ConnectionDescription
{
    public static string Render(V1alpha1ClusterOcpConnection connection, IReadOnlyList<Corev1Event>? events, string? eventsUnavailable, DateTimeOffset now)
    {
        var spec = connection.Spec;
        var ready = connection.Status.ReadyCondition();
        var text = new StringBuilder();
        Header(text, connection.Metadata, now, namespaced: false);
        text.Append("Spec:\n");
        Field(text, 1, "URL", spec.Url);
        Field(text, 1, "Credentials", spec.CredentialsSecretRef is { } s ? $"Secret {s.Namespace}/{s.Name}" : null);
        text.Append("Grants:\n");
        Field(text, 1, "Namespaces", spec.Namespaces is { Count: > 0 } names ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "<none>");
        Field(text, 1, "Namespace Selector", spec.NamespaceSelector is { } selector ? ConnectionTable.Selector(selector) : "<none>");
        Field(text, 1, "Clusters", spec.AllowedClusterIds is { Count: > 0 } ids
            ? string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))
            : "all (every cluster its OCP user can reach)");
        if (spec.Namespaces is not { Count: > 0 } && spec.NamespaceSelector is null)
        {
            Field(text, 1, "Note", "no namespace may use it: spec.namespaces and spec.namespaceSelector are both empty");
        }

        text.Append("Status:\n");
        Field(text, 1, "Ready", ready?.Status ?? "Unknown (not checked yet)");
        Field(text, 1, "Reason", ready?.Reason);
        Field(text, 1, "Message", ready?.Message);
        Field(text, 1, "Observed Generation", connection.Status?.ObservedGeneration is { } g
            ? g.ToString(CultureInfo.InvariantCulture) + (connection.Metadata.Generation is { } current && current != g ? $" (spec is at {current}: not checked yet)" : "")
            : null);
        Conditions(text, connection.Status?.Conditions);
        Events(text, events, eventsUnavailable, now);
        return text.ToString();
    }
}
