using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;

namespace BackupOperator.Tests.KubeClient;

/// <summary>
/// The merge patch that replaces a status: refused by the API server when the object changed since
/// it was read (resourceVersion), and removing what the new status no longer has.
/// </summary>
public sealed class StatusPatchTests
{
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<ClusterBackupNowStatus> Json = EntityJsonContext.Default.ClusterBackupNowStatus;

    private static readonly DateTime At = TestResources.Start.UtcDateTime;

    [Fact]
    public void The_patch_carries_the_resource_version_it_was_decided_on()
    {
        var patch = Parse(StatusPatch.Build("4711", Unreachable(), Running(), Json));

        Assert.Equal("4711", (string?)patch["metadata"]!["resourceVersion"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_status_is_never_written_without_the_resource_version_precondition(string? resourceVersion)
    {
        // "resourceVersion": null would remove the precondition and let a stale decision overwrite a newer status.
        Assert.ThrowsAny<ArgumentException>(() => StatusPatch.Build(resourceVersion, Unreachable(), Running(), Json));
    }

    [Fact]
    public void The_patch_touches_only_the_resource_version_and_the_status()
    {
        var patch = Parse(StatusPatch.Build("4711", Unreachable(), Running(), Json));

        Assert.Equal(new[] { "metadata", "status" }, patch.Select(p => p.Key).Order());
        Assert.Equal(new[] { "resourceVersion" }, patch["metadata"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void A_field_the_new_status_no_longer_has_is_sent_as_null_so_that_it_is_removed()
    {
        var old = Unreachable();
        Assert.NotNull(old.UnreachableSince);

        var status = Parse(StatusPatch.Build("4711", old, Running(), Json))["status"]!.AsObject();

        Assert.True(status.TryGetPropertyValue("unreachableSince", out var removed));
        Assert.Null(removed);
    }

    [Fact]
    public void Unchanged_changed_and_new_fields_are_sent_with_their_values()
    {
        var next = Running();

        var status = Parse(StatusPatch.Build("4711", Unreachable(), next, Json))["status"]!.AsObject();

        Assert.Equal("req-earlier", (string?)status["requestId"]); // unchanged
        Assert.Equal(BackupPhase.Running, (string?)status["phase"]); // changed
        Assert.Equal(new[] { 3000041L }, status["taskIds"]!.AsArray().Select(id => (long)id!)); // new
        Assert.Equal(next.Conditions!.Count, status["conditions"]!.AsArray().Count);
    }

    [Fact]
    public void A_first_status_removes_nothing()
    {
        var status = Parse(StatusPatch.Build("1", (ClusterBackupNowStatus?)null, Running(), Json))["status"]!.AsObject();

        Assert.NotEmpty(status);
        Assert.All(status, field => Assert.NotNull(field.Value));
    }

    [Fact]
    public void Applied_as_a_merge_patch_it_turns_the_old_status_into_the_new_one()
    {
        var old = Unreachable();
        var next = Running();
        var stored = Parse(KubernetesJson.Serialize(old));

        var patched = MergePatch(stored, Parse(StatusPatch.Build("4711", old, next, Json))["status"]!);

        Assert.True(JsonNode.DeepEquals(Parse(KubernetesJson.Serialize(next)), patched), patched?.ToJsonString());
    }

    /// <summary>An intent whose POST got no answer: OCP unreachable since then.</summary>
    private static ClusterBackupNowStatus Unreachable() =>
        TestResources.Submitting(At.AddMinutes(-5)).SetUnknown("OcpUnreachable", "no answer within 30 s", At.AddMinutes(-4), 1);

    /// <summary>The same backup once OCP answered: running, reachable again.</summary>
    private static ClusterBackupNowStatus Running() =>
        TestResources.Submitting(At.AddMinutes(-5)).SetRunning([3000041], "OCP accepted the backup", At, 1);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>RFC 7386, as the API server applies a merge patch.</summary>
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key], value);
            }
        }

        return result;
    }
}
