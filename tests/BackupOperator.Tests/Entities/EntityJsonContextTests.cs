using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;

namespace BackupOperator.Tests.Entities;

/// <summary>The source-generated JSON (what the operator sends, also under NativeAOT) is KubernetesClient's JSON, byte for byte in meaning.</summary>
public sealed class EntityJsonContextTests
{
    [Fact]
    public void A_backup_with_every_kind_of_field_serializes_as_KubernetesClient_does()
    {
        var resource = TestResources.Backup(clusterId: 8, name: "nightly");
        resource.Metadata.CreationTimestamp = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
        resource.Status = new ClusterBackupNowStatus
        {
            Phase = "Running",
            AttemptStartedAt = new DateTime(2026, 12, 1, 8, 0, 1, 123, 456, DateTimeKind.Utc),
            SubmittedAt = new DateTime(2026, 12, 1, 8, 0, 2, DateTimeKind.Utc),
            TaskIds = [3000001, 3000002],
            Conditions = [new() { Type = "Submitted", Status = "True", Reason = "Accepted", LastTransitionTime = new DateTime(2026, 12, 1, 8, 0, 2, DateTimeKind.Utc) }],
        };

        var generated = JsonNode.Parse(JsonSerializer.Serialize(resource, EntityJsonContext.Default.V1alpha1ClusterBackupNow));
        var reference = JsonNode.Parse(KubernetesJson.Serialize(resource));

        Assert.True(JsonNode.DeepEquals(reference, generated), $"{generated}\n{reference}");
        Assert.Equal("2026-12-01T08:00:01.123456Z", generated!["status"]!["attemptStartedAt"]!.GetValue<string>());
        Assert.Equal("2026-12-01T08:00:02Z", generated["status"]!["submittedAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("2026-12-01T08:00:00Z", 0)]
    [InlineData("2026-12-01T08:00:00.5Z", 5_000_000)]
    [InlineData("2026-12-01T08:00:00.123456Z", 1_234_560)]
    [InlineData("2026-12-01T08:00:00.123456789Z", 1_234_567)]
    [InlineData("2026-12-01T10:00:00+02:00", 0)]
    public void Times_are_read_in_every_form_the_api_server_writes_as_UTC(string text, long ticksPastEight)
    {
        var time = KubernetesTimeConverter.Parse(text);

        Assert.Equal(DateTimeKind.Utc, time.Kind);
        Assert.Equal(new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc).AddTicks(ticksPastEight), time);
    }
}
