using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace BackupOperator.KubeClient;

/// <summary>
/// The JSON merge patch that replaces a status: it carries metadata.resourceVersion, so the API
/// server refuses it (409) when the object changed since it was read, and it sends the fields the
/// new status no longer has as null, which merge patch reads as "remove".
/// </summary>
public static class StatusPatch
{
    public static string Build<TStatus>(string? resourceVersion, TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
        where TStatus : class
    {
        // Without a resourceVersion, merge patch would read "resourceVersion": null as "remove it"
        // and the write would go through unconditionally: never write a status without the precondition.
        ArgumentException.ThrowIfNullOrEmpty(resourceVersion);
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["status"] = Status(old, next, json),
        }.ToJsonString();
    }

    internal static JsonObject Status<TStatus>(TStatus? old, TStatus next, JsonTypeInfo<TStatus> json)
        where TStatus : class
    {
        var patch = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(next, json))!.AsObject();
        if (old is not null)
        {
            foreach (var (key, _) in JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(old, json))!.AsObject())
            {
                if (!patch.ContainsKey(key))
                {
                    patch[key] = null;
                }
            }
        }

        return patch;
    }
}
