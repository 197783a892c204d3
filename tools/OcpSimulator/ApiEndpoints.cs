using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupOperator.OcpSimulator;

/// <summary>backupNow and the task API, behind OCP's authentication, with injectable faults.</summary>
public static class ApiEndpoints
{
    private static readonly string[] BackupModes = ["LOGICAL_BACKUP", "PHYSICAL_BACKUP"];
    private static readonly string[] DataModes = ["FULL_BACKUP", "INCREMENTAL_BACKUP"];
    private static readonly Dictionary<string, string> KeyFields = new()
    {
        ["BACKUP_STORAGE_OSS"] = "ossAccessKey",
        ["BACKUP_STORAGE_COS"] = "cosAccessKey",
        ["BACKUP_STORAGE_S3"] = "s3AccessKey",
    };

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/v2/ob/clusters/{id:long}/backup/backupNow", BackupNowAsync);
        app.MapGet("/api/v2/tasks/instances/{id:long}", GetTaskAsync);
        app.MapGet("/api/v2/tasks/instances", ListTasksAsync);
        app.MapPost("/api/v2/tasks/instances/{id:long}/retry", (long id, HttpContext http, SimulatorState state, OcpAuthenticator auth, TimeProvider time) =>
            ActOnTaskAsync(id, "retry", http, state, auth, time));
        app.MapPost("/api/v2/tasks/instances/{id:long}/rollback", (long id, HttpContext http, SimulatorState state, OcpAuthenticator auth, TimeProvider time) =>
            ActOnTaskAsync(id, "rollback", http, state, auth, time));
    }

    private static async Task<IResult> BackupNowAsync(long id, HttpContext http, SimulatorState state, OcpAuthenticator auth, TimeProvider time)
    {
        var (user, body, denied) = await AuthenticateAsync(http, "backupNow", state, auth, time, id);
        if (denied is not null)
        {
            return denied;
        }

        state.AddForeignTasks(id, user!, beforePost: true);
        try
        {
            return await AcceptBackupNowAsync(id, user!, body, http, state, time);
        }
        finally
        {
            state.AddForeignTasks(id, user!, beforePost: false);
        }
    }

    private static async Task<IResult> AcceptBackupNowAsync(long id, string user, byte[] body, HttpContext http, SimulatorState state, TimeProvider time)
    {
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // answered below
        }

        var accessKey = ExtractAccessKey(json);
        state.CountClusterRequest("backupNow", id);
        var post = state.CountPost(id, json, accessKey, http.Request.Headers["X-Request-Id"].FirstOrDefault());
        var fault = state.TakeFault("backupNow", id);
        if (fault is not null && await BeforeAcceptAsync(fault, http, state, time) is { } early)
        {
            return early;
        }

        if (json is null)
        {
            return Envelope.Error(400, "IllegalArgument", "request body is not a JSON object", time);
        }

        if (Validate(id, json, accessKey) is { } invalid)
        {
            return Envelope.Error(400, "IllegalArgument", invalid, time);
        }

        if (!http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SimulatorOptions>>().CurrentValue.IsKnownCluster(id))
        {
            return Envelope.Error(404, "ObClusterNotFound", $"cluster {id} not found", time);
        }

        if (fault?.Kind == "beSuccessfulFalse")
        {
            return Envelope.Ok(OpsResult(id, false, [], fault.ErrorCode?.DeepClone() ?? "BACKUP_CONFIG_INVALID",
                fault.Hint ?? "backup storage is not reachable"), time);
        }

        var task = fault?.Kind == "busy" ? null : state.StartBackupIfFree(id, user, post);
        if (task is null)
        {
            var message = $"backup of cluster {id} is in progress";
            return state.BusyMode == "object"
                ? Envelope.Ok(OpsResult(id, false, [], "OB_BACKUP_IN_PROGRESS", message), time)
                : Envelope.Error(409, "ObBackupInProgress", message, time);
        }

        switch (fault?.Kind)
        {
            case "dropAfterAccept":
                http.Abort();
                return Results.Empty;
            case "delayAfterAccept":
                await DelayAsync(fault, http, state, time);
                break;
        }

        return Envelope.Ok(OpsResult(id, true, [task.Id], null, null), time);
    }

    private static async Task<IResult> GetTaskAsync(long id, HttpContext http, SimulatorState state, OcpAuthenticator auth, TimeProvider time)
    {
        var (_, _, denied) = await AuthenticateAsync(http, "getTask", state, auth, time, state.Find(id)?.ClusterId, id);
        if (denied is not null)
        {
            return denied;
        }

        state.CountClusterRequest("getTask", state.Find(id)?.ClusterId);
        if (state.TakeFault("getTask", state.Find(id)?.ClusterId) is { } fault && await BeforeAcceptAsync(fault, http, state, time) is { } early)
        {
            return early;
        }

        return state.Find(id) is { } task
            ? Envelope.Ok(state.ToJson(task, state.Settings.StatusForm, state.NextAnswer()), time)
            : Envelope.Error(404, "TaskInstanceNotFound", $"task instance {id} not found", time);
    }

    private static async Task<IResult> ListTasksAsync(HttpContext http, SimulatorState state, OcpAuthenticator auth, TimeProvider time)
    {
        var q = http.Request.Query;
        long? clusterId = long.TryParse(q["clusterId"], out var c) ? c : null;
        var (_, _, denied) = await AuthenticateAsync(http, "listTasks", state, auth, time, clusterId);
        if (denied is not null)
        {
            return denied;
        }

        state.CountClusterRequest("listTasks", clusterId);
        if (state.TakeFault("listTasks", clusterId) is { } fault && await BeforeAcceptAsync(fault, http, state, time) is { } early)
        {
            return early;
        }

        var page = int.TryParse(q["page"], out var p) ? p : 1;
        var size = int.TryParse(q["size"], out var s) ? s : 10;
        if (page < 1 || size < 1 || size > 2000)
        {
            return Envelope.Error(400, "IllegalArgument", "page must be >= 1 and size 1..2000", time);
        }

        var statuses = q["status"].ToString().ToUpperInvariant().Split(',', StringSplitOptions.RemoveEmptyEntries);
        // Filtered on the canonical words; answered in the configured form.
        var tasks = state.Tasks().Select(t => state.ToJson(t))
            .Where(t => clusterId is null || t["cluster"]!["id"]!.GetValue<long>() == clusterId)
            .Where(t => string.IsNullOrEmpty(q["clusterName"]) || t["cluster"]!["name"]!.GetValue<string>() == q["clusterName"])
            .Where(t => string.IsNullOrEmpty(q["name"]) || t["name"]!.GetValue<string>().Contains(q["name"]!, StringComparison.OrdinalIgnoreCase))
            .Where(t => statuses.Length == 0 || statuses.Contains(t["status"]!.GetValue<string>()))
            .Where(t => string.IsNullOrEmpty(q["type"]) || t["type"]!.GetValue<string>() == q["type"])
            .ToList();
        // OCP's sort parameter ("id,desc", "id,asc"); without one, or when told to ignore it, ascending ids.
        var settings = state.Settings;
        var descending = !state.IgnoreSort && q["sort"].ToString().EndsWith(",desc", StringComparison.OrdinalIgnoreCase);
        tasks = settings.ShufflePages == true
            ? tasks.OrderBy(t => Scrambled(Id(t))).ToList()
            : (descending ? tasks.OrderByDescending(Id) : tasks.OrderBy(Id)).ToList();
        var answer = state.NextAnswer();
        var contents = tasks.Skip((page - 1) * size).Take(size)
            .Select(t => (JsonNode)state.ToJson(state.Find(Id(t))!, settings.StatusForm, answer)).ToArray();
        var pageInfo = new JsonObject { ["number"] = page, ["size"] = size };
        if (settings.OmitPageCounts != true)
        {
            pageInfo["totalElements"] = tasks.Count;
            pageInfo["totalPages"] = (tasks.Count + size - 1) / size;
        }

        return Envelope.Ok(new JsonObject { ["contents"] = new JsonArray(contents), ["page"] = pageInfo }, time);

        static long Id(JsonObject t) => t["id"]!.GetValue<long>();

        // An order that is neither ids' nor creation's, the same on every page of one list.
        static ulong Scrambled(long id) => unchecked((ulong)id * 0x9E3779B97F4A7C15UL);
    }

    /// <summary>OCP's retry and rollback of a failed task instance; anything else is refused as OCP does.</summary>
    private static async Task<IResult> ActOnTaskAsync(long id, string operation, HttpContext http, SimulatorState state, OcpAuthenticator auth, TimeProvider time)
    {
        var (_, _, denied) = await AuthenticateAsync(http, operation + "Task", state, auth, time, state.Find(id)?.ClusterId, id);
        if (denied is not null)
        {
            return denied;
        }

        if (state.Find(id) is null)
        {
            return Envelope.Error(404, "TaskInstanceNotFound", $"task instance {id} not found", time);
        }

        return state.Act(id, operation) is { } task
            ? Envelope.Ok(state.ToJson(task, state.Settings.StatusForm, state.NextAnswer()), time)
            : Envelope.Error(400, "TaskInstanceStateNotAllowed", $"task instance {id} is not FAILED: {operation} is not allowed", time);
    }

    private static async Task<(string? User, byte[] Body, IResult? Denied)> AuthenticateAsync(
        HttpContext http, string operation, SimulatorState state, OcpAuthenticator auth, TimeProvider time, long? clusterId = null, long? taskId = null)
    {
        if (state.ResponseDelayMs > 0)
        {
            // The round trip of an OCP a network away: every answer, refusals included, comes this much later.
            await Task.Delay(TimeSpan.FromMilliseconds(state.ResponseDelayMs), time, http.RequestAborted);
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var (user, error) = auth.Authenticate(http.Request, body);
        state.LogCall(http.Request, operation, clusterId, taskId, user);
        if (error is not null)
        {
            state.CountAuthFailure();
            return (null, body, Envelope.Error(401, "Unauthorized", $"authentication failed: {error}", time));
        }

        state.CountRequest(operation);
        return (user, body, null);
    }

    /// <summary>Faults that strike before OCP accepts anything; null to go on.</summary>
    private static async Task<IResult?> BeforeAcceptAsync(Fault fault, HttpContext http, SimulatorState state, TimeProvider time)
    {
        switch (fault.Kind)
        {
            case "http":
                return Envelope.Error(fault.Status ?? 500, "InternalError", "simulated server error", time);
            case "delay":
                await DelayAsync(fault, http, state, time);
                return null;
            case "dropBeforeAccept":
                http.Abort();
                return Results.Empty;
            case "html":
                return Results.Content("<html><body><h1>502 Bad Gateway</h1>nginx</body></html>", "text/html", statusCode: fault.Status ?? 502);
            case "empty":
                return Results.StatusCode(fault.Status ?? 502);
            case "truncated":
                return Results.Content("{\"data\":{\"backupObjectOpsResultList\":[{\"beSucc", "application/json", statusCode: 200);
            default:
                return null;
        }
    }

    /// <summary>A delay fault: cut short when the client gives up, unless <see cref="SimulatorOptions.DelayOutlivesDisconnect"/>.</summary>
    private static Task DelayAsync(Fault fault, HttpContext http, SimulatorState state, TimeProvider time) =>
        Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMs), time, state.Settings.DelayOutlivesDisconnect == true ? CancellationToken.None : http.RequestAborted)
            .ContinueWith(_ => { }, TaskScheduler.Default);

    private static string? Validate(long id, JsonObject body, JsonObject? accessKey)
    {
        if (body["backupMode"]?.GetValue<string>() is not { } mode || !BackupModes.Contains(mode))
        {
            return "backupMode is required: LOGICAL_BACKUP or PHYSICAL_BACKUP";
        }

        if (body["dataBackupMode"]?.GetValue<string>() is not { } dataMode || !DataModes.Contains(dataMode))
        {
            return "dataBackupMode is required: FULL_BACKUP or INCREMENTAL_BACKUP";
        }

        if (body["obBackupObject"] is JsonObject obj)
        {
            if (obj["clusterId"] is { } cid && cid.GetValue<long>() != id)
            {
                return "obBackupObject.clusterId differs from the cluster in the path";
            }

            if (obj["backupDimension"]?.GetValue<string>() == "TENANT")
            {
                return "tenant backup is not supported";
            }
        }

        var info = body["obBackupServiceStorageConfig"]?["obBackupStorageBaseInfo"];
        var type = info?["backupStorageType"]?.GetValue<string>();
        if (type is null || (type != "BACKUP_STORAGE_FILE" && !KeyFields.ContainsKey(type)))
        {
            return "obBackupServiceStorageConfig.obBackupStorageBaseInfo.backupStorageType is required";
        }

        if (string.IsNullOrEmpty(info?["storageUrl"]?.GetValue<string>()))
        {
            return "storageUrl is required";
        }

        if (KeyFields.TryGetValue(type, out var keyField)
            && (string.IsNullOrEmpty(accessKey?["id"]?.GetValue<string>()) || string.IsNullOrEmpty(accessKey?["secret"]?.GetValue<string>())))
        {
            return $"{keyField} with accessKeyId and accessKeySecret is required for {type}";
        }

        return null;
    }

    /// <summary>Moves the object-store key out of the recorded body, into a record of its own.</summary>
    private static JsonObject? ExtractAccessKey(JsonObject? body)
    {
        if (body?["obBackupServiceStorageConfig"]?["obBackupStorageBaseInfo"] is not JsonObject info)
        {
            return null;
        }

        foreach (var field in KeyFields.Values)
        {
            if (info[field] is JsonObject key)
            {
                return new JsonObject
                {
                    ["field"] = field,
                    ["id"] = key["accessKeyId"]?.DeepClone(),
                    ["secret"] = key["accessKeySecret"]?.DeepClone(),
                    ["endpoint"] = key["endpoint"]?.DeepClone(),
                };
            }
        }

        return null;
    }

    private static JsonObject OpsResult(long clusterId, bool ok, long[] taskIds, JsonNode? errorCode, string? hint)
    {
        var result = new JsonObject
        {
            ["beSuccessful"] = ok,
            ["obBackupObjectList"] = new JsonArray(new JsonObject { ["backupDimension"] = "CLUSTER", ["clusterId"] = clusterId }),
            ["taskIdList"] = new JsonArray(taskIds.Select(t => (JsonNode)t).ToArray()),
        };
        if (!ok)
        {
            result["errorCode"] = errorCode;
            result["hint"] = hint;
        }

        return new JsonObject
        {
            ["backupObjectOpsResultList"] = new JsonArray(result),
            ["obBackupTaskType"] = "DATA_BACKUP_NOW",
        };
    }
}
