using BackupOperator.Operator.Diagnostics;

namespace BackupOperator.Tests.Diagnostics;

public sealed class KubeApiMetricsTests
{
    [Theory]
    [InlineData("PATCH", "/apis/ocp.oceanbase.com/v1alpha1/namespaces/db/clusterbackupnows/nightly/status", "PATCH", "clusterbackupnows/status")]
    [InlineData("GET", "/apis/ocp.oceanbase.com/v1alpha1/clusterbackupnows?limit=500", "LIST", "clusterbackupnows")]
    [InlineData("GET", "/apis/ocp.oceanbase.com/v1alpha1/namespaces/db/clusterbackupnows?watch=true&resourceVersion=7", "WATCH", "clusterbackupnows")]
    [InlineData("DELETE", "/apis/ocp.oceanbase.com/v1alpha1/namespaces/db/clusterbackupnows/nightly", "DELETE", "clusterbackupnows")]
    [InlineData("POST", "/apis/events.k8s.io/v1/namespaces/db/events", "POST", "events")]
    [InlineData("GET", "/api/v1/namespaces/db/secrets/ocp-credentials", "GET", "secrets")]
    [InlineData("PUT", "/apis/coordination.k8s.io/v1/namespaces/backup-operator-system/leases/backup-operator", "PUT", "leases")]
    [InlineData("GET", "/api/v1/namespaces", "LIST", "namespaces")]
    public void Requests_are_named_by_verb_and_resource(string method, string path, string verb, string resource)
    {
        var described = KubeApiMetrics.Describe(new HttpMethod(method), new Uri("https://kube.test" + path));
        Assert.Equal((verb, resource), described);
    }
}
