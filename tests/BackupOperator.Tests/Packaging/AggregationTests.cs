using YamlDotNet.RepresentationModel;

namespace BackupOperator.Tests.Packaging;

/// <summary>
/// Requesting a backup is not part of a namespace editor's powers unless the cluster's owner opts
/// in: config/rbac aggregates nothing into edit/admin; config/components/aggregate-to-edit adds it.
/// </summary>
public sealed class AggregationTests
{
    private const string Edit = "rbac.authorization.k8s.io/aggregate-to-edit";
    private const string Admin = "rbac.authorization.k8s.io/aggregate-to-admin";

    [Fact]
    public void No_role_of_config_rbac_aggregates_into_edit_or_admin()
    {
        foreach (var file in Directory.GetFiles(RepoRoot.Path("config", "rbac"), "*.yaml"))
        {
            var labels = Labels(Load(file));
            Assert.False(labels.ContainsKey(Edit) || labels.ContainsKey(Admin), $"{Path.GetFileName(file)} aggregates into edit/admin");
        }
    }

    [Fact]
    public void The_opt_in_component_adds_both_aggregation_labels_to_the_editor_role_only()
    {
        var component = Load(RepoRoot.Path("config", "components", "aggregate-to-edit", "kustomization.yaml"));
        Assert.Equal("Component", ((YamlScalarNode)component["kind"]).Value);
        var patch = (YamlMappingNode)((YamlSequenceNode)component["patches"])[0];
        var target = (YamlMappingNode)patch["target"];
        Assert.Equal(("ClusterRole", "clusterbackupnow-editor"), (((YamlScalarNode)target["kind"]).Value, ((YamlScalarNode)target["name"]).Value));
        var editor = Load(RepoRoot.Path("config", "rbac", "clusterbackupnow_editor_role.yaml"));
        Assert.Equal("clusterbackupnow-editor", ((YamlScalarNode)editor["metadata"]["name"]).Value);

        var ops = new YamlStream();
        ops.Load(new StringReader(((YamlScalarNode)patch["patch"]).Value!));
        var added = ((YamlSequenceNode)ops.Documents[0].RootNode).Cast<YamlMappingNode>()
            .Select(o => (Op: ((YamlScalarNode)o["op"]).Value, Path: ((YamlScalarNode)o["path"]).Value!.Replace("~1", "/", StringComparison.Ordinal), Value: ((YamlScalarNode)o["value"]).Value))
            .ToList();
        Assert.Equal(
            [("add", $"/metadata/labels/{Edit}", "true"), ("add", $"/metadata/labels/{Admin}", "true")],
            added);
    }

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(file)));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static Dictionary<string, string?> Labels(YamlMappingNode doc) =>
        doc.Children.TryGetValue("metadata", out var m) && ((YamlMappingNode)m).Children.TryGetValue("labels", out var l)
            ? ((YamlMappingNode)l).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value)
            : [];
}
