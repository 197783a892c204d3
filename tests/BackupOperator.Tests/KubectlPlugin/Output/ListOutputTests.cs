using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Backups;
using BackupOperator.KubectlPlugin.Output;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Output;

/// <summary>kubectl get's output formats over any kind's list: json, yaml, name, wide, --no-headers, and a watch's rows.</summary>
public sealed class ListOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 1, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Json_is_a_v1_List_whose_items_carry_their_apiVersion_and_kind_and_every_field_as_sent()
    {
        var text = ListOutput.Render(BackupTable.View(Now), [Item("b", """{"metadata":{"name":"b","namespace":"db"},"spec":{"clusterId":8,"x-unknown":true}}"""),
            Item("a", """{"apiVersion":"old","kind":"Old","metadata":{"name":"a","namespace":"db"}}""")], new ListFormat(OutputFormat.Json));
        var list = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(("v1", "List"), ((string?)list["apiVersion"], (string?)list["kind"]));
        var items = list["items"]!.AsArray();
        Assert.Equal(["a", "b"], items.Select(i => (string?)i!["metadata"]!["name"]));
        Assert.All(items, i => Assert.Equal(("ocp.oceanbase.com/v1alpha1", "ClusterBackupNow"), ((string?)i!["apiVersion"], (string?)i["kind"])));
        Assert.True((bool)items[1]!["spec"]!["x-unknown"]!); // what the server sent, not what the plugin's types know
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_reads_back_as_the_same_json_strings_that_look_like_numbers_or_booleans_stay_strings()
    {
        var json = """{"metadata":{"name":"a","namespace":"db","labels":{"n":"42","b":"true","y":"yes","e":"","t":"x: y"}},"spec":{"clusterId":8,"on":false,"r":1.5,"none":null,"list":[1,"2",{"k":"v"}],"empty":{}}}""";
        var yaml = ListOutput.Render(BackupTable.View(Now), [Item("a", json)], new ListFormat(OutputFormat.Yaml));
        Assert.StartsWith("apiVersion: v1\nkind: List\nitems:\n- apiVersion: ocp.oceanbase.com/v1alpha1\n  kind: ClusterBackupNow\n", yaml, StringComparison.Ordinal);
        Assert.Contains("      \"n\": \"42\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("      \"y\": \"yes\"\n", yaml, StringComparison.Ordinal); // YAML 1.1 (kubectl's) reads a plain yes (and a key y or n) as a boolean
        var back = Assert.Single(YamlJson.Documents(yaml))!["items"]![0]!;
        var expected = JsonNode.Parse(json)!.AsObject();
        expected.Insert(0, "apiVersion", "ocp.oceanbase.com/v1alpha1");
        expected.Insert(1, "kind", "ClusterBackupNow");
        Assert.True(JsonNode.DeepEquals(expected, back), back.ToJsonString());
    }

    [Fact]
    public void Name_prints_kind_dot_group_slash_name()
    {
        Assert.Equal("clusterbackupnow.ocp.oceanbase.com/a\nclusterbackupnow.ocp.oceanbase.com/b\n",
            ListOutput.Render(BackupTable.View(Now), [Listed(Backup("b", null)), Listed(Backup("a", null))], new ListFormat(OutputFormat.Name)));
    }

    [Fact]
    public void Wide_adds_columns_and_no_headers_drops_the_header()
    {
        var done = Backup("a", BackupPhase.Succeeded, 3000001);
        done.Status!.SubmittedAt = new DateTime(2026, 5, 1, 1, 1, 0, DateTimeKind.Utc);
        var wide = ListOutput.Render(BackupTable.View(Now), [Listed(done)], new ListFormat(OutputFormat.Wide)).Split('\n');
        Assert.Matches(@"^NAME\s+PHASE\s+CLUSTER\s+MODES\s+TASKS\s+AGE\s+TRACEID\s+SUBMITTED\s+COMPLETED$", wide[0]);
        Assert.Matches(@"^a\s+Succeeded\s+8\s+PHYSICAL/FULL\s+3000001\s+5m\s+ae2397e8eddcee52\s+2026-05-01T01:01:00Z\s+<none>$", wide[1]);
        Assert.Equal("a   Succeeded   8   PHYSICAL/FULL   3000001   5m\n",
            ListOutput.Render(BackupTable.View(Now), [Listed(done)], new ListFormat(NoHeaders: true)));
        Assert.Matches(@"^db\s+a\s+Succeeded", ListOutput.Render(BackupTable.View(Now), [Listed(done)], new ListFormat(NoHeaders: true, WithNamespace: true)));
    }

    [Fact]
    public void A_watch_event_is_one_row_without_the_header_or_a_name_or_a_whole_object()
    {
        var view = BackupTable.View(Now);
        var item = Listed(Backup("a", BackupPhase.Running, 1));
        Assert.Matches(@"^a\s+Running\s+8\s+PHYSICAL/FULL\s+1\s+5m\n$", ListOutput.Event(view, item, new ListFormat()));
        Assert.Equal("clusterbackupnow.ocp.oceanbase.com/a\n", ListOutput.Event(view, item, new ListFormat(OutputFormat.Name)));
        Assert.Equal("ClusterBackupNow", (string?)JsonNode.Parse(ListOutput.Event(view, item, new ListFormat(OutputFormat.Json)))!["kind"]);
    }

    private static Listed<V1alpha1ClusterBackupNow> Listed(V1alpha1ClusterBackupNow b) => new(b, new JsonObject { ["metadata"] = new JsonObject { ["name"] = b.Metadata.Name } });

    private static Listed<V1alpha1ClusterBackupNow> Item(string name, string json) => new(Backup(name, null), JsonNode.Parse(json)!.AsObject());
}
