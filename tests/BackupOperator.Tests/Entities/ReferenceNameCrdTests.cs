using System.Text.RegularExpressions;
using BackupOperator.Entities;
using YamlDotNet.RepresentationModel;
using static BackupOperator.Tests.Entities.CrdSchemaTests;

namespace BackupOperator.Tests.Entities;

/// <summary>
/// Names that reach an API path are refused at admission (the CRDs' patterns) and again by the operator
/// (<see cref="DnsNames"/>, for objects stored before): `..` or `a/b` never name a Secret or a connection.
/// </summary>
public sealed class ReferenceNameCrdTests
{
    private const string Backups = "ocp.oceanbase.com_clusterbackupnows.yaml";
    private const string Schedules = "ocp.oceanbase.com_clusterbackupschedules.yaml";
    private const string Connections = "ocp.oceanbase.com_clusterocpconnections.yaml";
    private const string Storage = "obBackupServiceStorageConfig.obBackupStorageBaseInfo.accessKeySecretRef.name";

    public static TheoryData<string, string, string> SubdomainFields => new()
    {
        { Backups, "spec", "ocpSecretRef.name" },
        { Backups, "spec", "ocpConnectionRef.name" },
        { Backups, "spec", Storage },
        { Schedules, "spec.backupTemplate.spec", "ocpSecretRef.name" },
        { Schedules, "spec.backupTemplate.spec", "ocpConnectionRef.name" },
        { Schedules, "spec.backupTemplate.spec", Storage },
        { Connections, "spec", "credentialsSecretRef.name" },
    };

    [Theory]
    [MemberData(nameof(SubdomainFields))]
    public void Every_reference_to_a_Secret_or_a_connection_is_a_DNS_subdomain_at_admission(string file, string root, string field)
    {
        var node = Field(file, root + "." + field);

        Assert.Equal(DnsNames.SubdomainPattern, Scalar(node["pattern"]));
        Assert.Equal("253", Scalar(node["maxLength"]));
    }

    [Fact]
    public void The_credentials_namespace_of_a_connection_is_a_DNS_label_at_admission()
    {
        var node = Field(Connections, "spec.credentialsSecretRef.namespace");

        Assert.Equal(DnsNames.LabelPattern, Scalar(node["pattern"]));
        Assert.Equal("63", Scalar(node["maxLength"]));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("../kube-system")]
    [InlineData("a..b")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("Main")]
    [InlineData("a b")]
    [InlineData("a%2Fb")]
    [InlineData("keys?watch=true")]
    [InlineData("")]
    public void Names_that_could_move_an_API_path_are_refused(string name)
    {
        Assert.False(DnsNames.IsSubdomain(name));
        Assert.False(DnsNames.IsLabel(name));
        Assert.DoesNotMatch(new Regex(DnsNames.SubdomainPattern), name);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ocp-main")]
    [InlineData("s3-keys.team-a")]
    [InlineData("0")]
    public void Ordinary_names_are_accepted(string name)
    {
        Assert.True(DnsNames.IsSubdomain(name));
        Assert.Equal(!name.Contains('.', StringComparison.Ordinal), DnsNames.IsLabel(name));
    }

    [Fact]
    public void The_length_limits_are_Kubernetes_own()
    {
        Assert.True(DnsNames.IsSubdomain("a." + new string('c', 251)));
        Assert.False(DnsNames.IsSubdomain(new string('c', 254)));
        Assert.True(DnsNames.IsLabel(new string('c', 63)));
        Assert.False(DnsNames.IsLabel(new string('c', 64)));
    }

    [Theory]
    [InlineData(Backups, "spec")]
    [InlineData(Schedules, "spec.backupTemplate.spec")]
    public void The_exactly_one_connection_rule_has_a_CEL_rule_whose_message_names_both_fields(string file, string path)
    {
        var spec = Field(file, path);
        var rule = (YamlMappingNode)Assert.Single((YamlSequenceNode)spec["x-kubernetes-validations"]);

        Assert.Equal("has(self.ocpSecretRef) != has(self.ocpConnectionRef)", Scalar(rule["rule"]));
        Assert.Contains("ocpSecretRef", Scalar(rule["message"]), StringComparison.Ordinal);
        Assert.Contains("ocpConnectionRef", Scalar(rule["message"]), StringComparison.Ordinal);
        Assert.Equal(2, ((YamlSequenceNode)spec["oneOf"]).Children.Count); // and the rule a 1.20 API server enforces
    }

    /// <summary>The schema node at a dotted path of property names from the root of the CRD's schema.</summary>
    private static YamlMappingNode Field(string file, string path)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "crds", file))));
        var node = (YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)yaml.Documents[0].RootNode["spec"]["versions"])[0])["schema"]["openAPIV3Schema"];
        foreach (var name in path.Split('.'))
        {
            node = (YamlMappingNode)node["properties"][name];
        }

        return node;
    }
}
