using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace BackupOperator.OcpSimulator;

/// <summary>A fault to inject into the next matching request(s).</summary>
public sealed record Fault(string Operation, long? ClusterId, string Kind, int Count = 1, int DelayMs = 0,
    JsonNode? ErrorCode = null, string? Hint = null, int? Status = null);

/// <summary>A backup task instance as OCP keeps it; its status follows the clock.</summary>
public sealed class SimTask
{
    public required long Id { get; init; }
    public required long ClusterId { get; init; }
    public required string Creator { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public bool FailAtEnd { get; init; }
    public string? ForcedStatus { get; set; }
}

/// <summary>Everything the simulator remembers; one lock, tests are small.</summary>
public sealed class SimulatorState(IOptionsMonitor<SimulatorOptions> options, TimeProvider time)
{
    public static readonly TimeSpan OcpOffset = TimeSpan.FromHours(8);
    private readonly object _gate = new();
    private readonly List<SimTask> _tasks = [];
    private readonly List<Fault> _faults = [];
    private readonly Dictionary<long, int> _posts = [];
    private readonly Dictionary<long, int> _started = [];
    private readonly Dictionary<string, int> _requests = [];
    private readonly Dictionary<long, Dictionary<string, int>> _clusterRequests = [];
    private readonly Dictionary<long, JsonObject> _lastRequest = [];
    private readonly List<SimPost> _postLog = [];
    private long _nextTaskId = 3000001;
    private int _authFailures;
    private int? _taskDurationMs;
    private string? _busyMode;
    private bool? _ignoreSort;
    private int? _responseDelayMs;

    public int TaskDurationMs => _taskDurationMs ?? options.CurrentValue.TaskDurationMs;
    public string BusyMode => _busyMode ?? options.CurrentValue.BusyMode;

    /// <summary>Answer the task list in ascending id order whatever sort is asked for, as a server without sort support would.</summary>
    public bool IgnoreSort => _ignoreSort ?? options.CurrentValue.IgnoreSort;

    /// <summary>How long every API answer is held back (a network away).</summary>
    public int ResponseDelayMs => _responseDelayMs ?? options.CurrentValue.ResponseDelayMs;

    public void Configure(int? taskDurationMs, string? busyMode, bool? ignoreSort = null, int? responseDelayMs = null)
    {
        lock (_gate)
        {
            _responseDelayMs = responseDelayMs ?? _responseDelayMs;
            _taskDurationMs = taskDurationMs ?? _taskDurationMs;
            _busyMode = busyMode ?? _busyMode;
            _ignoreSort = ignoreSort ?? _ignoreSort;
        }
    }

    public void CountRequest(string operation)
    {
        lock (_gate)
        {
            _requests[operation] = _requests.GetValueOrDefault(operation) + 1;
        }
    }

    public void CountAuthFailure() => Interlocked.Increment(ref _authFailures);

    /// <summary>Counts an authenticated request about one cluster (a POST to it, a task list filtered by it, a read of one of its tasks).</summary>
    public void CountClusterRequest(string operation, long? clusterId)
    {
        if (clusterId is not { } id)
        {
            return;
        }

        lock (_gate)
        {
            var counts = _clusterRequests.TryGetValue(id, out var c) ? c : _clusterRequests[id] = [];
            counts[operation] = counts.GetValueOrDefault(operation) + 1;
        }
    }

    /// <summary>Counts and records one POST; pass the result to <see cref="StartBackupIfFree"/> so the task is attributed to it.</summary>
    public SimPost CountPost(long clusterId, JsonObject? body, JsonObject? accessKey, string? requestId = null)
    {
        lock (_gate)
        {
            var post = new SimPost { RequestId = requestId, ClusterId = clusterId, At = time.GetUtcNow() };
            _postLog.Add(post);
            _posts[clusterId] = _posts.GetValueOrDefault(clusterId) + 1;
            if (body is not null)
            {
                var copy = (JsonObject)body.DeepClone();
                copy["accessKey"] = accessKey?.DeepClone();
                _lastRequest[clusterId] = copy;
            }

            return post;
        }
    }

    /// <summary>Every backupNow POST, oldest first, with the tasks each one started.</summary>
    public JsonArray PostLog(long? clusterId = null)
    {
        lock (_gate)
        {
            return new JsonArray(_postLog.Where(p => clusterId is null || p.ClusterId == clusterId).Select(p => (JsonNode)new JsonObject
            {
                ["requestId"] = p.RequestId,
                ["clusterId"] = p.ClusterId,
                ["taskIds"] = new JsonArray(p.TaskIds.Select(id => (JsonNode)id).ToArray()),
                ["at"] = Format(p.At),
            }).ToArray());
        }
    }

    /// <summary>The ids of every backup task started, per cluster, oldest first.</summary>
    public JsonObject BackupsStarted(long? clusterId = null)
    {
        lock (_gate)
        {
            return new JsonObject(_tasks.Where(t => clusterId is null || t.ClusterId == clusterId)
                .GroupBy(t => t.ClusterId)
                .Select(g => KeyValuePair.Create(g.Key.ToString(CultureInfo.InvariantCulture),
                    (JsonNode?)new JsonArray(g.Select(t => (JsonNode)t.Id).ToArray()))));
        }
    }

    public JsonObject? LastRequest(long clusterId)
    {
        lock (_gate)
        {
            return _lastRequest.TryGetValue(clusterId, out var r) ? (JsonObject)r.DeepClone() : null;
        }
    }

    public void AddFault(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes one use of the first fault matching this request, if any.</summary>
    public Fault? TakeFault(string operation, long? clusterId)
    {
        lock (_gate)
        {
            var i = _faults.FindIndex(f => (f.Operation == operation || f.Operation == "any")
                && (f.ClusterId is null || f.ClusterId == clusterId) && f.Kind != "taskFail");
            if (i < 0)
            {
                return null;
            }

            var fault = _faults[i];
            if (fault.Count <= 1)
            {
                _faults.RemoveAt(i);
            }
            else
            {
                _faults[i] = fault with { Count = fault.Count - 1 };
            }

            return fault;
        }
    }

    /// <summary>Starts a backup unless one is running on the cluster (checked and started atomically).</summary>
    public SimTask? StartBackupIfFree(long clusterId, string creator, SimPost? post = null)
    {
        lock (_gate)
        {
            if (_tasks.Any(t => t.ClusterId == clusterId && Status(t) == "RUNNING"))
            {
                return null;
            }

            var failIndex = _faults.FindIndex(f => f.Kind == "taskFail" && (f.ClusterId is null || f.ClusterId == clusterId));
            if (failIndex >= 0)
            {
                _faults.RemoveAt(failIndex);
            }

            var task = new SimTask { Id = _nextTaskId++, ClusterId = clusterId, Creator = creator, CreatedAt = time.GetUtcNow(), FailAtEnd = failIndex >= 0 };
            _tasks.Add(task);
            post?.TaskIds.Add(task.Id);
            _started[clusterId] = _started.GetValueOrDefault(clusterId) + 1;
            return task;
        }
    }

    public SimTask? Find(long id)
    {
        lock (_gate)
        {
            return _tasks.FirstOrDefault(t => t.Id == id);
        }
    }

    public IReadOnlyList<SimTask> Tasks()
    {
        lock (_gate)
        {
            return _tasks.ToList();
        }
    }

    public string Status(SimTask t)
    {
        if (t.ForcedStatus is not null)
        {
            return t.ForcedStatus;
        }

        var done = time.GetUtcNow() >= t.CreatedAt + TimeSpan.FromMilliseconds(TaskDurationMs);
        return !done ? "RUNNING" : t.FailAtEnd ? "FAILED" : "SUCCESSFUL";
    }

    public JsonObject ToJson(SimTask t)
    {
        var status = Status(t);
        var end = t.CreatedAt + TimeSpan.FromMilliseconds(TaskDurationMs);
        string Sub(int i) => status switch
        {
            "SUCCESSFUL" => "SUCCESSFUL",
            "FAILED" => i switch { 0 => "SUCCESSFUL", 1 => "FAILED", _ => "PENDING" },
            _ => i == 0 ? "SUCCESSFUL" : i == 1 ? "RUNNING" : "PENDING",
        };
        string[] names = ["Check backup prerequisites", "Backup data", "Finish backup"];
        return new JsonObject
        {
            ["id"] = t.Id,
            ["name"] = $"Backup cluster {t.ClusterId}",
            ["taskDefinitionId"] = 41,
            ["cluster"] = new JsonObject { ["id"] = t.ClusterId, ["name"] = $"cluster-{t.ClusterId}" },
            ["tenant"] = null,
            ["creator"] = new JsonObject { ["id"] = 1, ["name"] = t.Creator },
            ["status"] = status,
            ["type"] = "MANUAL",
            ["operation"] = "EXECUTE",
            ["executor"] = "sim",
            ["prohibitRollback"] = false,
            ["subtasks"] = new JsonArray(names.Select((n, i) => (JsonNode)new JsonObject
            {
                ["id"] = t.Id * 10 + i,
                ["name"] = n,
                ["status"] = Sub(i),
            }).ToArray()),
            ["createTime"] = Format(t.CreatedAt),
            ["startTime"] = Format(t.CreatedAt),
            ["finishTime"] = status == "RUNNING" ? null : Format(end),
        };
    }

    public JsonObject Stats()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["backupNowPosts"] = Counts(_posts),
                ["backupNowPostsTotal"] = _posts.Values.Sum(),
                ["backupsStarted"] = Counts(_started),
                ["authFailures"] = _authFailures,
                ["requests"] = new JsonObject(_requests.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))),
                ["requestsByCluster"] = new JsonObject(_clusterRequests.Select(c => KeyValuePair.Create(c.Key.ToString(CultureInfo.InvariantCulture),
                    (JsonNode?)new JsonObject(c.Value.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)))))),
                ["tasks"] = new JsonArray(_tasks.Select(t => (JsonNode)ToJson(t)).ToArray()),
            };
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _tasks.Clear();
            _faults.Clear();
            _posts.Clear();
            _started.Clear();
            _requests.Clear();
            _clusterRequests.Clear();
            _lastRequest.Clear();
            _postLog.Clear();
            _authFailures = 0;
            _taskDurationMs = null;
            _busyMode = null;
            _responseDelayMs = null;
        }
    }

    /// <summary>OCP's timestamps: local time of the server with its offset, milliseconds.</summary>
    public static string Format(DateTimeOffset t) => t.ToOffset(OcpOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static JsonObject Counts(Dictionary<long, int> counts) =>
        new(counts.Select(c => KeyValuePair.Create(c.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)c.Value)));
}
