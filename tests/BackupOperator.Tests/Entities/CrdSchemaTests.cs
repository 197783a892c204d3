using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using BackupOperator.Entities;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.Tests.Entities;

/// <summary>The CRD YAML users apply and the C# types the operator reads must describe the same fields.</summary>
public sealed class CrdSchemaTests
{
    private static readonly YamlMappingNode Version = LoadVersion();

    private static YamlMappingNode Schema => (YamlMappingNode)Version["schema"]["openAPIV3Schema"];

    [Fact]
    public void Crd_names_match_the_entity_attribute()
    {
        var crd = LoadCrd();
        var attr = typeof(V1alpha1ClusterBackupNow).GetCustomAttribute<KubernetesEntityAttribute>()!;
        Assert.Equal($"{attr.PluralName}.{attr.Group}", Scalar(crd["metadata"]["name"]));
        Assert.Equal(attr.Group, Scalar(crd["spec"]["group"]));
        Assert.Equal(attr.Kind, Scalar(crd["spec"]["names"]["kind"]));
        Assert.Equal(attr.PluralName, Scalar(crd["spec"]["names"]["plural"]));
        Assert.Equal(attr.ApiVersion, Scalar(Version["name"]));
        Assert.Contains(V1alpha1ClusterBackupNow.ShortName, ((YamlSequenceNode)crd["spec"]["names"]["shortNames"]).Select(Scalar));
        Assert.Equal("Namespaced", Scalar(crd["spec"]["scope"]));
        Assert.True(((YamlMappingNode)Version["subresources"]).Children.ContainsKey("status"));
    }

    [Theory]
    [InlineData("spec", typeof(ClusterBackupNowSpec))]
    [InlineData("status", typeof(ClusterBackupNowStatus))]
    public void Schema_properties_and_csharp_properties_are_the_same_set_at_every_depth(string root, Type type)
    {
        var mismatches = new List<string>();
        Compare((YamlMappingNode)Schema["properties"][root], type, root, mismatches);
        Assert.True(mismatches.Count == 0, "CRD and C# differ:\n" + string.Join('\n', mismatches));
    }

    [Theory]
    [InlineData("backupMode", nameof(OcpValues.BackupModes))]
    [InlineData("dataBackupMode", nameof(OcpValues.DataBackupModes))]
    public void Spec_enums_are_ocps_values(string field, string valuesName)
    {
        var expected = (IReadOnlyList<string>)typeof(OcpValues).GetField(valuesName)!.GetValue(null)!;
        Assert.Equal(expected, Enum(Schema["properties"]["spec"]["properties"][field]));
    }

    [Fact]
    public void Storage_type_dimension_and_phase_enums_match_the_code()
    {
        var spec = Schema["properties"]["spec"]["properties"];
        Assert.Equal(OcpValues.StorageTypes, Enum(spec["obBackupServiceStorageConfig"]["properties"]["obBackupStorageBaseInfo"]["properties"]["backupStorageType"]));
        Assert.Equal(OcpValues.BackupDimensions, Enum(spec["obBackupObject"]["properties"]["backupDimension"]));
        Assert.Equal(BackupPhase.All, Enum(Schema["properties"]["status"]["properties"]["phase"]));
    }

    [Fact]
    public void Spec_requires_what_the_seed_marks_required()
    {
        var required = ((YamlSequenceNode)Schema["properties"]["spec"]["required"]).Select(Scalar).Order().ToList();
        Assert.Equal(["backupMode", "clusterId", "dataBackupMode", "obBackupServiceStorageConfig"], required);
    }

    [Fact]
    public void Printer_columns_answer_did_it_work_at_a_glance()
    {
        var columns = ((YamlSequenceNode)Version["additionalPrinterColumns"]).Cast<YamlMappingNode>()
            .Where(c => !c.Children.ContainsKey("priority")).Select(c => Scalar(c["name"])).ToList();
        Assert.Equal(["Phase", "Cluster", "Backup mode", "Data mode", "Tasks", "Age"], columns);
    }

    /// <summary>status.submittedSpec is a ClusterBackupNowSpec, whose schema is the spec's (compared above).</summary>
    private static readonly HashSet<string> SchemaLess = ["status.submittedSpec"];

    internal static void Compare(YamlMappingNode schema, Type type, string path, List<string> mismatches)
    {
        var yamlProps = schema.Children.TryGetValue("properties", out var p) ? (YamlMappingNode)p : new YamlMappingNode();
        var csharp = type.GetProperties()
            .Select(pi => (Prop: pi, Name: pi.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
            .Where(x => x.Name is not null && x.Prop.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(x => x.Name!, x => x.Prop);
        var yamlNames = yamlProps.Children.Keys.Select(Scalar).ToHashSet();
        mismatches.AddRange(yamlNames.Except(csharp.Keys).Select(n => $"{path}.{n}: in the CRD, not in {type.Name}"));
        mismatches.AddRange(csharp.Keys.Except(yamlNames).Select(n => $"{path}.{n}: in {type.Name}, not in the CRD"));
        foreach (var (name, prop) in csharp.Where(c => yamlNames.Contains(c.Key)))
        {
            var node = (YamlMappingNode)yamlProps[name];
            var element = ElementType(prop.PropertyType);
            if (node.Children.TryGetValue("x-kubernetes-preserve-unknown-fields", out var free) && Scalar(free) == "true")
            {
                // Schema-less on purpose, only where the C# type is one whose schema is checked at its own root.
                if (!SchemaLess.Contains($"{path}.{name}"))
                {
                    mismatches.Add($"{path}.{name}: schema-less in the CRD");
                }

                continue;
            }

            if (Nested(element) && element != typeof(V1Condition))
            {
                var target = node.Children.ContainsKey("items") ? (YamlMappingNode)node["items"] : node;
                Compare(target, element, $"{path}.{name}", mismatches);
            }
        }
    }

    private static Type ElementType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t))
        {
            return t.IsGenericType ? t.GetGenericArguments()[0] : t.GetElementType()!;
        }

        return t;
    }

    private static bool Nested(Type t) => t.IsClass && t != typeof(string) && t.Namespace is "BackupOperator.Entities" or "k8s.Models";

    private static List<string> Enum(YamlNode node) => ((YamlSequenceNode)node["enum"]).Select(Scalar).ToList();

    internal static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static YamlMappingNode LoadCrd()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "crds", "ocp.oceanbase.com_clusterbackupnows.yaml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode LoadVersion() => (YamlMappingNode)((YamlSequenceNode)LoadCrd()["spec"]["versions"])[0];
}
