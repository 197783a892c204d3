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
public sealed class StatusPatchTests(Xunit.Abstractions.ITestOutputHelper output)
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

    public static TheoryData<int, int> Pairs() => PairsOf(Statuses().Length);

    /// <summary>Every (old, next) pair of indexes into <paramref name="count"/> statuses; old -1 is "no status yet".</summary>
    private static TheoryData<int, int> PairsOf(int count)
    {
        var pairs = new TheoryData<int, int>();
        for (var old = -1; old < count; old++)
        {
            for (var next = 0; next < count; next++)
            {
                pairs.Add(old, next);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_patch_sends_what_a_patch_built_as_a_JSON_tree_sent(int oldIndex, int nextIndex)
    {
        // The patch is spliced from the serialized bytes, not built as a tree: for every pair of statuses
        // (fields removed, none left, escaped text) the API server must get the same patch as before.
        var old = oldIndex < 0 ? null : Statuses()[oldIndex];
        var next = Statuses()[nextIndex];

        var spliced = Parse(StatusPatch.Build("4711", old, next, Json));

        Assert.True(JsonNode.DeepEquals(TreePatch("4711", old, next), spliced), spliced.ToJsonString());
        Assert.True(JsonNode.DeepEquals(Parse(KubernetesJson.Serialize(next)), MergePatch(Parse(KubernetesJson.Serialize(old ?? new ClusterBackupNowStatus())), spliced["status"])));
    }

    [Fact]
    public void A_field_removed_inside_a_nested_object_is_removed_too()
    {
        // Merge patch merges objects field by field: a nested field the new status no longer has stays stored
        // unless it is sent as null. A schedule whose incrementalSchedule was dropped would otherwise keep it in
        // observedSchedule, see its timing "changed" on every pass and never run a backup again; and a new child's
        // lastBackup would show the previous child's phase, task ids and completion.
        var json = EntityJsonContext.Default.ClusterBackupScheduleStatus;
        var old = new ClusterBackupScheduleStatus
        {
            ObservedGeneration = 2,
            ObservedSchedule = new ObservedSchedule { Schedule = "0 1 * * 0", IncrementalSchedule = "0 1 * * 1-6", TimeZone = "UTC", Suspend = false },
            LastBackup = new ScheduledBackupSummary { Name = "nightly-1", DataBackupMode = "FULL", Phase = BackupPhase.Succeeded, TaskIds = [7], CompletedAt = At },
        };
        var next = new ClusterBackupScheduleStatus
        {
            ObservedGeneration = 3,
            ObservedSchedule = new ObservedSchedule { Schedule = "0 1 * * *", TimeZone = "UTC", Suspend = false },
            LastBackup = new ScheduledBackupSummary { Name = "nightly-2", DataBackupMode = "FULL" },
        };

        var patch = Parse(StatusPatch.Build("4711", old, next, json))["status"];
        var stored = MergePatch(Parse(System.Text.Json.JsonSerializer.Serialize(old, json)), patch);

        Assert.True(JsonNode.DeepEquals(Parse(System.Text.Json.JsonSerializer.Serialize(next, json)), stored), stored?.ToJsonString());
    }

    public static TheoryData<int, int> SchedulePairs() => PairsOf(ScheduleStatuses().Length);

    [Theory]
    [MemberData(nameof(SchedulePairs))]
    public void Applied_as_a_merge_patch_a_schedule_status_patch_stores_exactly_the_new_status(int oldIndex, int nextIndex)
    {
        // A schedule's status has nested objects (observedSchedule, lastBackup): whatever the old one held,
        // top-level or nested, the API server must end up with the new status and nothing of the old.
        var json = EntityJsonContext.Default.ClusterBackupScheduleStatus;
        var old = oldIndex < 0 ? null : ScheduleStatuses()[oldIndex];
        var next = ScheduleStatuses()[nextIndex];

        var patch = Parse(StatusPatch.Build("4711", old, next, json));
        var stored = MergePatch(Parse(System.Text.Json.JsonSerializer.Serialize(old ?? new ClusterBackupScheduleStatus(), json)), patch["status"]);

        Assert.Equal("4711", (string?)patch["metadata"]!["resourceVersion"]);
        Assert.True(JsonNode.DeepEquals(Parse(System.Text.Json.JsonSerializer.Serialize(next, json)), stored), stored?.ToJsonString());
    }

    private static ClusterBackupScheduleStatus[] ScheduleStatuses() =>
    [
        new ClusterBackupScheduleStatus(),
        new ClusterBackupScheduleStatus
        {
            ObservedGeneration = 4,
            Conditions = [new k8s.Models.V1Condition { Type = "Ready", Status = "True", Reason = "Scheduled", Message = "ok", LastTransitionTime = At }],
            LastScheduleTime = At,
            LastSuccessfulTime = At.AddHours(-1),
            NextScheduleTime = At.AddDays(1),
            NextFullScheduleTime = At.AddDays(7),
            NextIncrementalScheduleTime = At.AddDays(1),
            Active = ["nightly-3"],
            LastBackup = new ScheduledBackupSummary { Name = "nightly-3", DataBackupMode = "INCREMENTAL", Phase = BackupPhase.Succeeded, TaskIds = [41, 42], CompletedAt = At },
            MissedSlots = 2,
            SkippedSlots = 1,
            ObservedSchedule = new ObservedSchedule { Schedule = "0 1 * * 0", IncrementalSchedule = "0 1 * * 1-6", TimeZone = "Asia/Shanghai", Suspend = false },
            LastRunNowToken = "quote \" backslash \\ <tag> & é 日本 🦀",
            RunNowTokens = ["a", "quote \" backslash \\ <tag> & é 日本 🦀"],
        },
        new ClusterBackupScheduleStatus
        {
            ObservedGeneration = 5,
            LastBackup = new ScheduledBackupSummary { Name = "nightly-4", DataBackupMode = "FULL" },
            ObservedSchedule = new ObservedSchedule { Schedule = "0 1 * * *", TimeZone = "UTC", Suspend = true },
        },
        new ClusterBackupScheduleStatus { LastBackup = new ScheduledBackupSummary(), ObservedSchedule = new ObservedSchedule() },
    ];

    /// <summary>Prints what one patch of a finished backup allocates, spliced and as a tree (issue 25: one per status write).</summary>
    [Fact]
    public void A_spliced_patch_allocates_less_than_a_tree_built_one()
    {
        var (old, next) = (Running(), TestResources.Terminal(BackupPhase.Succeeded, At));
        long Allocated(Action build)
        {
            build(); // metadata resolved, caches warm
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                build();
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        }

        var tree = Allocated(() => System.Text.Encoding.UTF8.GetBytes(TreePatch("4711", old, next).ToJsonString()));
        var spliced = Allocated(() => StatusPatch.Build("4711", old, next, Json));
        output.WriteLine($"bytes allocated per patch: {tree} as a tree, {spliced} spliced");
        Assert.True(spliced < tree, $"{spliced} >= {tree}");
    }

    private static ClusterBackupNowStatus[] Statuses() =>
    [
        new ClusterBackupNowStatus(),
        Unreachable(),
        Running(),
        TestResources.Terminal(BackupPhase.Succeeded, At),
        TestResources.Submitting(At).SetPending("Waiting", "quote \" backslash \\ <tag> & plus+ é 日本 \u2028 🦀 \u0001"),
        new ClusterBackupNowStatus { Message = "only a message" },
    ];

    /// <summary>The patch as it was built before: the statuses parsed into JSON trees, removed fields added as null.</summary>
    private static JsonObject TreePatch(string resourceVersion, ClusterBackupNowStatus? old, ClusterBackupNowStatus next)
    {
        var status = JsonNode.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(next, Json))!.AsObject();
        foreach (var (key, _) in old is null ? [] : JsonNode.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(old, Json))!.AsObject())
        {
            if (!status.ContainsKey(key))
            {
                status[key] = null;
            }
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion }, ["status"] = status };
    }

    /// <summary>An intent whose POST got no answer: OCP unreachable since then.</summary>
    private static ClusterBackupNowStatus Unreachable() =>
        TestResources.Submitting(At.AddMinutes(-5)).SetUnknown("OcpUnreachable", "no answer within 30 s", At.AddMinutes(-4), 1);

    /// <summary>The same backup once OCP answered: running, reachable again.</summary>
    private static ClusterBackupNowStatus Running() =>
        TestResources.Submitting(At.AddMinutes(-5)).SetRunning([3000041], "OCP accepted the backup", At, 1);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();

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
