using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Output;
using k8s.Models;

namespace BackupOperator.Tests.KubectlPlugin.Output;

/// <summary>`connection list` and `connection describe`: whether it works and whom it grants, never a credential.</summary>
public sealed class ConnectionOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 1, 5, 0, TimeSpan.Zero);

    [Fact]
    public void List_shows_ready_reason_granted_namespaces_and_clusters_without_a_namespace_column()
    {
        var open = Connection("ocp-main", ready: true);
        open.Spec.NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["team"] = "db" } };
        var closed = Connection("ocp-lab", ready: false);
        closed.Spec.Namespaces = null;
        closed.Spec.AllowedClusterIds = null;
        var table = ConnectionTable.Render([open, closed, Connection("ocp-new", ready: null)], Now);
        Assert.Equal("""
            NAME       URL                READY     REASON                NAMESPACES                 CLUSTERS   AGE
            ocp-lab    https://ocp:8080   False     CredentialsRejected   <none>                     all        5m
            ocp-main   https://ocp:8080   True      Connected             db,web,selector(team=db)   7,8        5m
            ocp-new    https://ocp:8080   Unknown   <none>                db,web                     7,8        5m

            """, table);
    }

    [Theory]
    [InlineData("every namespace")]
    public void An_empty_selector_grants_every_namespace_and_expressions_read_as_kubectl_writes_them(string empty)
    {
        Assert.Equal(empty, ConnectionTable.Selector(new V1LabelSelector()));
        var selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["team"] = "db" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "env", OperatorProperty = "In", Values = ["prod", "staging"] },
                new V1LabelSelectorRequirement { Key = "legacy", OperatorProperty = "DoesNotExist" },
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "Exists" },
            ],
        };
        Assert.Equal("team=db,env in (prod,staging),!legacy,tier", ConnectionTable.Selector(selector));
    }

    [Fact]
    public void Describe_shows_url_the_secrets_name_the_grants_and_why_it_is_not_ready()
    {
        var c = Connection("ocp-lab", ready: false);
        c.Spec.AllowedClusterIds = null;
        var events = new List<Corev1Event> { new() { Type = "Warning", Reason = "CredentialsRejected", Message = "OCP answered 401", LastTimestamp = new DateTime(2026, 5, 1, 1, 4, 0, DateTimeKind.Utc) } };

        var text = ConnectionDescription.Render(c, events, null, Now);

        Assert.Matches(@"(?m)^Name:\s+ocp-lab$", text);
        Assert.DoesNotMatch("(?m)^Namespace:", text); // cluster-scoped
        Assert.Matches(@"(?m)^  URL:\s+https://ocp:8080$", text);
        Assert.Matches(@"(?m)^  Credentials:\s+Secret backup-operator/ocp-lab-credentials$", text);
        Assert.Matches(@"(?m)^  Namespaces:\s+db, web$", text);
        Assert.Matches(@"(?m)^  Namespace Selector:\s+<none>$", text);
        Assert.Matches(@"(?m)^  Clusters:\s+all \(every cluster its OCP user can reach\)$", text);
        Assert.Matches(@"(?m)^  Ready:\s+False$", text);
        Assert.Matches(@"(?m)^  Reason:\s+CredentialsRejected$", text);
        Assert.Matches(@"(?m)^  Message:\s+OCP answered 401 Unauthorized$", text);
        Assert.Matches(@"(?m)^  Ready\s+False\s+CredentialsRejected\s+2026-05-01T01:00:00Z\s+OCP answered 401 Unauthorized$", text);
        Assert.Matches(@"(?m)^  Warning\s+CredentialsRejected\s+60s\s+-\s+OCP answered 401$", text);
    }

    [Fact]
    public void Describe_of_one_that_grants_nobody_says_so_and_unreadable_events_say_why()
    {
        var c = Connection("ocp-none", ready: null);
        c.Spec.Namespaces = null;
        var text = ConnectionDescription.Render(c, null, "events is forbidden", Now);
        Assert.Matches(@"(?m)^  Namespaces:\s+<none>$", text);
        Assert.Matches(@"(?m)^  Note:\s+no namespace may use it", text);
        Assert.Matches(@"(?m)^  Clusters:\s+7, 8$", text);
        Assert.Matches(@"(?m)^  Ready:\s+Unknown \(not checked yet\)$", text);
        Assert.Matches(@"(?m)^Events: <unavailable: events is forbidden>$", text);
    }

    private static V1alpha1ClusterOcpConnection Connection(string name, bool? ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Generation = 1, CreationTimestamp = new DateTime(2026, 5, 1, 1, 0, 0, DateTimeKind.Utc) },
        Spec = new ClusterOcpConnectionSpec
        {
            Url = "https://ocp:8080",
            CredentialsSecretRef = new SecretReference { Namespace = "backup-operator", Name = name + "-credentials" },
            Namespaces = ["web", "db"],
            AllowedClusterIds = [7, 8],
        },
        Status = ready is not { } r ? null : new ClusterOcpConnectionStatus
        {
            ObservedGeneration = 1,
            Conditions =
            [
                new V1Condition
                {
                    Type = "Ready", Status = r ? "True" : "False", Reason = r ? "Connected" : "CredentialsRejected",
                    Message = r ? "OCP answered" : "OCP answered 401 Unauthorized", LastTransitionTime = new DateTime(2026, 5, 1, 1, 0, 0, DateTimeKind.Utc),
                },
            ],
        },
    };
}
