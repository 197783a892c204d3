using System.Reflection;
using BackupOperator.Entities;
using k8s.Models;
using YamlDotNet.RepresentationModel;
using static BackupOperator.Tests.Entities.CrdSchemaTests;

namespace BackupOperator.Tests.Entities;

/// <summary>The ClusterOcpConnection CRD and its C# types describe the same fields; the contract's names hold.</summary>
public sealed class ClusterOcpConnectionCrdTests
{
    private static readonly YamlMappingNode Crd = Load("ocp.oceanbase.com_clusterocpconnections.yaml");

    private static YamlMappingNode Version => (YamlMappingNode)((YamlSequenceNode)Crd["spec"]["versions"])[0];

    private static YamlMappingNode Schema => (YamlMappingNode)Version["schema"]["openAPIV3Schema"];

    [Fact]
    public void It_is_cluster_scoped_with_the_contracts_names()
    {
        var attr = typeof(V1alpha1ClusterOcpConnection).GetCustomAttribute<KubernetesEntityAttribute>()!;
        Assert.Equal("clusterocpconnections.ocp.oceanbase.com", Scalar(Crd["metadata"]["name"]));
        Assert.Equal($"{attr.PluralName}.{attr.Group}", Scalar(Crd["metadata"]["name"]));
        Assert.Equal(attr.Kind, Scalar(Crd["spec"]["names"]["kind"]));
        Assert.Equal(attr.ApiVersion, Scalar(Version["name"]));
        Assert.Contains("cocp", ((YamlSequenceNode)Crd["spec"]["names"]["shortNames"]).Select(Scalar));
        Assert.Equal("Cluster", Scalar(Crd["spec"]["scope"]));
        Assert.True(((YamlMappingNode)Version["subresources"]).Children.ContainsKey("status"));
    }

    [Theory]
    [InlineData("spec", typeof(ClusterOcpConnectionSpec))]
    [InlineData("status", typeof(ClusterOcpConnectionStatus))]
    public void Schema_properties_and_csharp_properties_are_the_same_set_at_every_depth(string root, Type type)
    {
        var mismatches = new List<string>();
        Compare((YamlMappingNode)Schema["properties"][root], type, root, mismatches);
        Assert.True(mismatches.Count == 0, "CRD and C# differ:\n" + string.Join('\n', mismatches));
    }

    [Fact]
    public void A_backup_names_exactly_one_connection_at_admission()
    {
        var spec = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)Load("ocp.oceanbase.com_clusterbackupnows.yaml")["spec"]["versions"])[0]
            ["schema"]["openAPIV3Schema"])["properties"])["spec"];
        var oneOf = ((YamlSequenceNode)spec["oneOf"]).Cast<YamlMappingNode>()
            .Select(o => string.Join(",", ((YamlSequenceNode)o["required"]).Select(Scalar))).Order().ToList();
        Assert.Equal(["ocpConnectionRef", "ocpSecretRef"], oneOf);
    }

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "crds", file))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
