using BackupOperator.Entities;
using BackupOperator.KubeClient;
using k8s.Models;

namespace BackupOperator.Tests.KubeClient;

/// <summary>A name reaches an API path as one segment: escaped, and never a step up.</summary>
public sealed class ResourcePathTests
{
    private static readonly ResourcePath Connections = ResourcePath.Of(new KubernetesEntityAttribute
    {
        Group = V1alpha1ClusterOcpConnection.ApiGroup,
        ApiVersion = V1alpha1ClusterOcpConnection.Version,
        PluralName = V1alpha1ClusterOcpConnection.Plural,
    });

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public void A_dot_segment_never_names_an_object(string name)
    {
        Assert.Throws<ArgumentException>(() => ResourcePath.Segment(name));
        Assert.Throws<ArgumentException>(() => Connections.For(null, name));
        Assert.Throws<ArgumentException>(() => Connections.For(name, "main"));
    }

    [Theory]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("../kube-system", "..%2Fkube-system")]
    [InlineData("main?watch=true", "main%3Fwatch%3Dtrue")]
    [InlineData("x#y", "x%23y")]
    [InlineData("ocp.main", "ocp.main")]
    public void Anything_else_is_escaped_into_one_segment(string name, string segment)
    {
        Assert.Equal(segment, ResourcePath.Segment(name));
        Assert.Equal($"apis/ocp.oceanbase.com/v1alpha1/clusterocpconnections/{segment}", Connections.For(null, name));
    }
}
