using BackupOperator.Entities;
using YamlDotNet.RepresentationModel;
using static BackupOperator.Tests.Entities.CrdSchemaTests;

namespace BackupOperator.Tests.Entities;

/// <summary>`kubectl explain &lt;plural&gt;.status` describes every field the operator writes, in every CRD.</summary>
public sealed class CrdDescriptionTests
{
    private static readonly string[] Files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config", "crds"), "*.yaml")
        .Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string> Crds => new(Files);

    [Fact]
    public void Every_crd_is_checked() =>
        Assert.Equal(
            ["ocp.oceanbase.com_clusterbackupnows.yaml", "ocp.oceanbase.com_clusterbackupschedules.yaml", "ocp.oceanbase.com_clusterocpconnections.yaml"],
            Files);

    [Theory]
    [MemberData(nameof(Crds))]
    public void Every_status_field_has_a_description_for_kubectl_explain(string file)
    {
        var status = (YamlMappingNode)Schema(file)["properties"]["status"];
        var missing = new List<string>();
        Assert.True(status.Children.ContainsKey("description"), "status has no description");
        Walk(status, "status", missing);
        Assert.True(missing.Count == 0, $"{file}: no description: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_submitted_spec_is_kept_whole_and_validated_once_as_the_spec()
    {
        // The API server validates the whole object on every status write (1.20: ValidateStatusUpdate);
        // a second copy of the spec's schema under status was paid for on each of them. Schema-less, the
        // copy is neither validated again nor pruned: every field the validated spec had comes back.
        var submitted = (YamlMappingNode)Schema("ocp.oceanbase.com_clusterbackupnows.yaml")["properties"]["status"]["properties"]["submittedSpec"];
        Assert.Equal("object", Scalar(submitted["type"]));
        Assert.Equal("true", Scalar(submitted["x-kubernetes-preserve-unknown-fields"]));
        Assert.False(submitted.Children.ContainsKey("properties"));
        Assert.Contains("kubectl explain clusterbackupnows.spec", Scalar(submitted["description"]).ReplaceLineEndings(" "));
        Assert.Equal(typeof(ClusterBackupNowSpec), typeof(ClusterBackupNowStatus).GetProperty(nameof(ClusterBackupNowStatus.SubmittedSpec))!.PropertyType);
    }

    /// <summary>Each field under <paramref name="node"/>'s properties, and under its array items' properties, at every depth.</summary>
    private static void Walk(YamlMappingNode node, string path, List<string> missing)
    {
        if (node.Children.TryGetValue("items", out var items) && items is YamlMappingNode item)
        {
            Walk(item, path + "[]", missing);
        }

        if (!node.Children.TryGetValue("properties", out var properties) || path == "status.submittedSpec")
        {
            return;
        }

        foreach (var (key, value) in ((YamlMappingNode)properties).Children)
        {
            var child = (YamlMappingNode)value;
            var name = $"{path}.{Scalar(key)}";
            if (!child.Children.ContainsKey("description"))
            {
                missing.Add(name);
            }

            Walk(child, name, missing);
        }
    }

    private static YamlMappingNode Schema(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "crds", file))));
        var version = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["spec"]["versions"])[0];
        return (YamlMappingNode)version["schema"]["openAPIV3Schema"];
    }
}
