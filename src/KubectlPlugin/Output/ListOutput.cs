using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>One object of a list: typed for the table, and as the API server sent it for -o json|yaml (nothing lost).</summary>
public sealed record Listed<T>(T Item, JsonObject Json)
    where T : IKubernetesObject<V1ObjectMeta>;

/// <summary>A column of the table: its header and its cell.</summary>
public sealed record ListColumn<T>(string Header, Func<T, string> Cell);

/// <summary>
/// How a resource kind is listed: <paramref name="Resource"/> as `-o name` prints it (plural-free, kind.group:
/// clusterbackupnow.ocp.oceanbase.com), its apiVersion and kind (set on every item of -o json|yaml), its columns
/// after NAME, and the extra ones -o wide adds.
/// </summary>
public sealed record ListView<T>(string Resource, string ApiVersion, string Kind, IReadOnlyList<ListColumn<T>> Columns, IReadOnlyList<ListColumn<T>> WideColumns)
    where T : IKubernetesObject<V1ObjectMeta>;

/// <summary>kubectl's -o values for a list.</summary>
public enum OutputFormat
{
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

/// <summary>What the list flags asked for: -o, --no-headers, and -A (the NAMESPACE column).</summary>
public sealed record ListFormat(OutputFormat Output = OutputFormat.Table, bool NoHeaders = false, bool WithNamespace = false);

/// <summary>
/// A list printed as kubectl prints one: a table (NAMESPACE with -A, NAME, the kind's columns, the wide ones with -o wide),
/// names (kind.group/NAME), or a `List` (apiVersion v1, kind List, items with their apiVersion and kind) in JSON or YAML
/// that `kubectl apply -f -` takes back as is.
/// </summary>
public static class ListOutput
{
    public static string Render<T>(ListView<T> view, IReadOnlyList<Listed<T>> items, ListFormat format)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var sorted = items.OrderBy(i => i.Item.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(i => i.Item.Metadata.Name, StringComparer.Ordinal).ToList();
        switch (format.Output)
        {
            case OutputFormat.Json:
            case OutputFormat.Yaml:
                var list = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "List",
                    ["items"] = new JsonArray(sorted.Select(i => (JsonNode)Typed(view, i)).ToArray()),
                    ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
                };
                return Serialize(list, format.Output);
            case OutputFormat.Name:
                return string.Concat(sorted.Select(i => Name(view, i) + "\n"));
            default:
                return Table(view, sorted, format);
        }
    }

    /// <summary>One watch event's object, as `kubectl get -w` prints it: a row (aligned to the header, which is not repeated), a name, or the object.</summary>
    public static string Event<T>(ListView<T> view, Listed<T> item, ListFormat format)
        where T : IKubernetesObject<V1ObjectMeta> => format.Output switch
        {
            OutputFormat.Json or OutputFormat.Yaml => Serialize(Typed(view, item), format.Output) + (format.Output == OutputFormat.Yaml ? "---\n" : ""),
            OutputFormat.Name => Name(view, item) + "\n",
            _ => string.Concat(Table(view, [item], format with { NoHeaders = false }).Split('\n', 2)[1]),
        };

    public static string Name<T>(ListView<T> view, Listed<T> item)
        where T : IKubernetesObject<V1ObjectMeta> => $"{view.Resource}/{item.Item.Metadata.Name}";

    private static string Table<T>(ListView<T> view, IReadOnlyList<Listed<T>> items, ListFormat format)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var columns = format.Output == OutputFormat.Wide ? [.. view.Columns, .. view.WideColumns] : view.Columns;
        List<ListColumn<T>> all = [new("NAME", t => t.Metadata.Name), .. columns];
        if (format.WithNamespace)
        {
            all.Insert(0, new("NAMESPACE", t => t.Metadata.NamespaceProperty ?? ""));
        }

        // Without headers the columns are as wide as their cells, as kubectl aligns them.
        var header = all.Select(c => format.NoHeaders ? "" : c.Header).ToList();
        var text = Output.Table.Render(header, items.Select(i => (IReadOnlyList<string>)all.Select(c => c.Cell(i.Item)).ToList()));
        return format.NoHeaders ? text.Split('\n', 2)[1] : text;
    }

    /// <summary>The item with its apiVersion and kind first (a list's items may lack them), so it stands alone.</summary>
    private static JsonObject Typed<T>(ListView<T> view, Listed<T> item)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var typed = new JsonObject { ["apiVersion"] = view.ApiVersion, ["kind"] = view.Kind };
        foreach (var (key, value) in item.Json)
        {
            if (key is not ("apiVersion" or "kind"))
            {
                typed[key] = value?.DeepClone();
            }
        }

        return typed;
    }

    private static string Serialize(JsonObject node, OutputFormat output) =>
        output == OutputFormat.Json ? Json(node) + "\n" : YamlWriter.Write(node);

    /// <summary>Indented JSON, written by the node itself (no serializer metadata needed).</summary>
    public static string Json(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            node.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
