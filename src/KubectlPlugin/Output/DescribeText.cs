using System.Globalization;
using System.Text;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>The pieces every `kubectl ocp ... describe` shares: labelled fields, the object's header, conditions and events, as `kubectl describe` lays them out.</summary>
public static class DescribeText
{
    /// <summary>Name, Namespace (when namespaced), Labels, Annotations and Created.</summary>
    public static void Header(StringBuilder text, V1ObjectMeta md, DateTimeOffset now, bool namespaced = true)
    {
        Field(text, 0, "Name", md.Name);
        if (namespaced)
        {
            Field(text, 0, "Namespace", md.NamespaceProperty);
        }

        Field(text, 0, "Labels", Pairs(md.Labels));
        Field(text, 0, "Annotations", Pairs(md.Annotations?.Where(a => a.Key != "kubectl.kubernetes.io/last-applied-configuration")));
        Field(text, 0, "Created", md.CreationTimestamp is { } c ? $"{Time(c)} ({Age.Of(c, now)} ago)" : null);
    }

    /// <summary>One "Label: value" line; a nested (level &gt; 0) field without a value is left out, a top-level one says &lt;none&gt;.</summary>
    public static void Field(StringBuilder text, int level, string label, string? value)
    {
        if (level > 0 && string.IsNullOrEmpty(value))
        {
            return;
        }

        var prefix = new string(' ', level * 2) + label + ":";
        text.Append(prefix.PadRight(22)).Append(' ').Append(Flat(string.IsNullOrEmpty(value) ? "<none>" : value)).Append('\n');
    }

    /// <summary>"Label:" and a table under it, or "Label: &lt;none&gt;" without rows.</summary>
    public static void Section(StringBuilder text, string label, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        text.Append(label).Append(':');
        if (rows.Count == 0)
        {
            text.Append(" <none>\n");
            return;
        }

        text.Append('\n').Append(Indent(1, Table.Render(header, rows)));
    }

    public static void Conditions(StringBuilder text, IEnumerable<V1Condition>? conditions) =>
        Section(text, "Conditions", ["TYPE", "STATUS", "REASON", "LAST TRANSITION", "MESSAGE"], (conditions ?? []).Select(c => (IReadOnlyList<string>)
        [
            c.Type, c.Status, Dash(c.Reason), Time(c.LastTransitionTime) ?? "-", Dash(c.Message),
        ]).ToList());

    /// <param name="events">The object's events, or null when they could not be read (the reason in <paramref name="unavailable"/>).</param>
    public static void Events(StringBuilder text, IReadOnlyList<Corev1Event>? events, string? unavailable, DateTimeOffset now)
    {
        if (events is null)
        {
            text.Append("Events: <unavailable: ").Append(unavailable).Append(">\n");
            return;
        }

        Section(text, "Events", ["TYPE", "REASON", "AGE", "FROM", "MESSAGE"], events.OrderBy(When).Select(e => (IReadOnlyList<string>)
        [
            Dash(e.Type), Dash(e.Reason), When(e) is { } w ? Age.Of(w, now) : "-", Dash(e.ReportingComponent ?? e.Source?.Component), Dash(e.Message),
        ]).ToList());
    }

    /// <summary>When an event last happened, whichever API wrote it (events.k8s.io sets eventTime and series, core/v1 lastTimestamp).</summary>
    public static DateTime? When(Corev1Event e) =>
        e.Series?.LastObservedTime ?? e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp;

    public static string Indent(int level, string block) =>
        string.Concat(block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', level * 2) + l + "\n"));

    public static string? Pairs(IEnumerable<KeyValuePair<string, string>>? pairs) =>
        pairs is null || !pairs.Any() ? null : string.Join(", ", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>RFC 3339 in UTC, whole seconds.</summary>
    public static string? Time(DateTime? t) =>
        t is not { } v ? null
            : (v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime())
                .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time and how long ago (or how far ahead) it is: 2026-05-01T01:00:00Z (5m ago).</summary>
    public static string? TimeAndAge(DateTime? t, DateTimeOffset now)
    {
        if (t is not { } v)
        {
            return null;
        }

        var at = new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime());
        return at <= now ? $"{Time(v)} ({Age.Human(now - at)} ago)" : $"{Time(v)} (in {Age.Human(at - now)})";
    }

    public static string Dash(string? s) => string.IsNullOrEmpty(s) ? "-" : Flat(s);

    private static string Flat(string s) => Kubernetes.ApiErrors.OneLine(s);
}
