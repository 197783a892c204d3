using System.Reflection;
using BackupOperator.Entities;
using k8s.Models;
using YamlDotNet.RepresentationModel;
using static BackupOperator.Tests.Entities.CrdSchemaTests;

namespace BackupOperator.Tests.Entities;

/// <summary>
/// The ClusterBackupSchedule CRD and its C# types describe the same fields, with the contract's names and defaults.
/// </summary>
public sealed class ClusterBackupScheduleCrdTests
{
    private const string File = "ocp.oceanbase.com_clusterbackupschedules.yaml";
    private static readonly YamlMappingNode Crd = Load("crds", File);

    private static YamlMappingNode Version => (YamlMappingNode)((YamlSequenceNode)Crd["spec"]["versions"])[0];

    private static YamlMappingNode Schema => (YamlMappingNode)Version["schema"]["openAPIV3Schema"];

    private static YamlMappingNode Spec => (YamlMappingNode)Schema["properties"]["spec"];

    [Fact]
    public void It_is_namespaced_with_the_contracts_names()
    {
        var attr = typeof(V1alpha1ClusterBackupSchedule).GetCustomAttribute<KubernetesEntityAttribute>()!;
        Assert.Equal($"{attr.PluralName}.{attr.Group}", Scalar(Crd["metadata"]["name"]));
        Assert.Equal(attr.Group, Scalar(Crd["spec"]["group"]));
        Assert.Equal(attr.Kind, Scalar(Crd["spec"]["names"]["kind"]));
        Assert.Equal(attr.PluralName, Scalar(Crd["spec"]["names"]["plural"]));
        Assert.Equal(attr.ApiVersion, Scalar(Version["name"]));
        Assert.Equal([V1alpha1ClusterBackupSchedule.ShortName], ((YamlSequenceNode)Crd["spec"]["names"]["shortNames"]).Select(Scalar));
        Assert.Equal("Namespaced", Scalar(Crd["spec"]["scope"]));
        Assert.True(((YamlMappingNode)Version["subresources"]).Children.ContainsKey("status"));
    }

    [Fact]
    public void It_is_installed_with_the_others() =>
        Assert.Contains(File, System.IO.File.ReadAllText(RepoRoot.Path("config", "crds", "Kustomization")), StringComparison.Ordinal);

    [Theory]
    [InlineData("spec", typeof(ClusterBackupScheduleSpec))]
    [InlineData("status", typeof(ClusterBackupScheduleStatus))]
    public void Schema_properties_and_csharp_properties_are_the_same_set_at_every_depth(string root, Type type)
    {
        var mismatches = new List<string>();
        Compare((YamlMappingNode)Schema["properties"][root], type, root, mismatches);
        Assert.True(mismatches.Count == 0, "CRD and C# differ:\n" + string.Join('\n', mismatches));
    }

    [Fact]
    public void The_printer_columns_are_the_contracts()
    {
        var columns = ((YamlSequenceNode)Version["additionalPrinterColumns"]).Cast<YamlMappingNode>()
            .Where(c => !c.Children.ContainsKey("priority")).Select(c => Scalar(c["name"])).ToList();
        Assert.Equal(["Schedule", "Incremental", "Suspend", "Last schedule", "Next", "Last result", "Age"], columns);
    }

    [Fact]
    public void The_defaults_at_admission_are_the_ones_the_operator_assumes()
    {
        var spec = new ClusterBackupScheduleSpec();
        string Default(string field) => Scalar(Spec["properties"][field]["default"]);

        Assert.Equal(spec.EffectiveTimeZone, Default("timeZone"));
        Assert.Equal(spec.EffectiveConcurrencyPolicy, Default("concurrencyPolicy"));
        Assert.Equal(spec.EffectiveSuccessfulBackupsHistoryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Default("successfulBackupsHistoryLimit"));
        Assert.Equal(spec.EffectiveFailedBackupsHistoryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Default("failedBackupsHistoryLimit"));
        Assert.Equal("false", Default("suspend"));
        Assert.Equal("false", Default("immediate"));
        Assert.Equal(ConcurrencyPolicies.All, ((YamlSequenceNode)Spec["properties"]["concurrencyPolicy"]["enum"]).Select(Scalar));
        Assert.Equal(["backupTemplate", "schedule"], ((YamlSequenceNode)Spec["required"]).Select(Scalar).Order());
    }

    [Fact]
    public void The_template_spec_is_validated_as_the_backup_spec_without_dataBackupMode()
    {
        var backup = (YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)Load("crds", "ocp.oceanbase.com_clusterbackupnows.yaml")["spec"]["versions"])[0]
            ["schema"]["openAPIV3Schema"])["properties"]["spec"];
        var template = (YamlMappingNode)Spec["properties"]["backupTemplate"]["properties"]["spec"];

        var expected = ((YamlMappingNode)backup["properties"]).Children.Where(p => Scalar(p.Key) != "dataBackupMode").ToList();
        var actual = ((YamlMappingNode)template["properties"]).Children.ToList();
        Assert.Equal(expected.Select(p => Scalar(p.Key)), actual.Select(p => Scalar(p.Key)));
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First.Value, p.Second.Value));
        Assert.Equal(((YamlSequenceNode)backup["required"]).Select(Scalar).Where(r => r != "dataBackupMode"), ((YamlSequenceNode)template["required"]).Select(Scalar));
        Assert.Equal(backup["oneOf"], template["oneOf"]);
        Assert.Equal(backup["x-kubernetes-validations"], template["x-kubernetes-validations"]);
    }

    private static YamlMappingNode Load(string folder, string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", folder, file))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
