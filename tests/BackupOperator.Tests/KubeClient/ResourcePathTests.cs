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

    [Fact]
    public void The_built_in_kinds_paths_are_the_api_servers()
    {
        Assert.Equal("api/v1/namespaces/db/secrets/ocp-credentials", ResourcePath.Secrets.For("db", "ocp-credentials"));
        Assert.Equal("api/v1/namespaces/db", ResourcePath.Namespaces.For(null, "db"));
        Assert.Equal("apis/events.k8s.io/v1/namespaces/db/events", ResourcePath.Events.For("db"));
        Assert.Equal("api/v1/namespaces/db/events", ResourcePath.CoreEvents.For("db"));
        Assert.Equal("apis/rbac.authorization.k8s.io/v1/namespaces/db/roles/r", ResourcePath.Roles.For("db", "r"));
        Assert.Equal("apis/rbac.authorization.k8s.io/v1/namespaces/db/rolebindings", ResourcePath.RoleBindings.For("db"));
        Assert.Equal("apis/coordination.k8s.io/v1/namespaces/db/leases/l", ResourcePath.Leases.For("db", "l"));
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
