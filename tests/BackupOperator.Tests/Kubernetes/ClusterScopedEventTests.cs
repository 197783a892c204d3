using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using k8s.Models;

namespace BackupOperator.Tests.Kubernetes;

public sealed class ClusterScopedEventTests
{
    [Fact]
    public void An_event_about_a_cluster_scoped_object_is_written_to_kube_system_with_no_regarding_namespace()
    {
        var connection = new V1alpha1ClusterOcpConnection { Metadata = new V1ObjectMeta { Name = "ocp-main", Uid = "u1", ResourceVersion = "7" } };

        var body = EventRecorder.Build(connection, new ObjectEvent(true, "SecretNotFound", "note"), DateTimeOffset.UnixEpoch, "op-1");

        Assert.Equal("kube-system", body["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Null(body["regarding"]!["namespace"]);
        Assert.Equal("ClusterOcpConnection", body["regarding"]!["kind"]!.GetValue<string>());
    }
}
