using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace BackupOperator.OcpSimulator;

/// <summary>A fault to inject into the next matching request(s).</summary>
public sealed record Fault(string Operation, long? ClusterId, string Kind, int Count = 1, int DelayMs = 0,
    JsonNode? ErrorCode = null, string? Hint = null, int? Status = null);

/// <summary>A task instance as OCP keeps it; its status follows the clock.</summary>
public sealed class SimTask
{
    public required long Id { get; init; }
    public required long ClusterId { get; init; }
    public required string Creator { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? Name { get; init; }
    public string Type { get; init; } = "MANUAL";

    /// <summary>True for a task of OCP's other users (<see cref="SimulatorOptions.ForeignTasks"/>), not started by a backupNow POST.</summary>
    public bool Foreign { get; init; }

    /// <summary>Fixed at creation (<see cref="SimulatorOptions.FixDurationAtCreation"/>, and foreign tasks); null = the current setting.</summary>
    public int? DurationMs { get; init; }

    public bool FailAtEnd { get; set; }
    public string? ForcedStatus { get; set; }

    /// <summary>When a retry started the task again.</summary>
    public DateTimeOffset? RestartedAt { get; set; }

    public string Operation { get; set; } = "EXECUTE";
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
    private readonly List<SimCall> _calls = [];
    private readonly Queue<long> _idBlock = new();
    private long _nextTaskId = 3000001;
    private int _authFailures;
    private long _answers;
    private SimSettings _settings = new();

    /// <summary>The settings in effect: those set at run time over the configured options.</summary>
    public SimSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings.Over(SimSettings.From(options.CurrentValue));
            }
        }
    }

    public int TaskDurationMs => Settings.TaskDurationMs!.Value;
    public string BusyMode => Settings.BusyMode!;

    /// <summary>Answer the task list in ascending id order whatever sort is asked for, as a server without sort support would.</summary>
    public bool IgnoreSort => Settings.IgnoreSort == true;

    /// <summary>How long every API answer is held back (a network away).</summary>
    public int ResponseDelayMs => Settings.ResponseDelayMs ?? 0;

    public void Configure(SimSettings settings)
    {
        lock (_gate)
        {
            _settings = settings.Over(_settings);
            if (settings.TaskIdBlock is not null || settings.TaskIdSeed is not null)
            {
                _idBlock.Clear(); // a new block setting starts a new block; ids left over are never used
            }
        }
    }

    /// <summary>Records one call to the OCP API (see <see cref="Calls"/>).</summary>
    public void LogCall(HttpRequest request, string operation, long? clusterId, long? taskId, string? user)
    {
        lock (_gate)
        {
            _calls.Add(new SimCall(request.Method, request.Path, operation, clusterId, taskId, user, time.GetUtcNow()));
        }
    }

    /// <summary>Every call to the OCP API, oldest first; only those about one cluster or one task when asked.</summary>
    public JsonArray Calls(long? clusterId = null, long? taskId = null)
    {
        lock (_gate)
        {
            return new JsonArray(_calls.Where(c => (clusterId is null || c.ClusterId == clusterId) && (taskId is null || c.TaskId == taskId))
                .Select(c => (JsonNode)new JsonObject
                {
                    ["method"] = c.Method,
                    ["path"] = c.Path,
                    ["operation"] = c.Operation,
                    ["clusterId"] = c.ClusterId,
                    ["taskId"] = c.TaskId,
                    ["user"] = c.User,
                    ["at"] = Format(c.At),
                }).ToArray());
        }
    }

    /// <summary>A number per API answer, so that a "varying" status form differs from one answer to the next.</summary>
    public long NextAnswer() => Interlocked.Increment(ref _answers);

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
            return new JsonObject(_tasks.Where(t => !t.Foreign && (clusterId is null || t.ClusterId == clusterId))
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

            var settings = Settings;
            var task = new SimTask
            {
                Id = NextId(settings),
                ClusterId = clusterId,
                Creator = creator,
                CreatedAt = time.GetUtcNow(),
                FailAtEnd = failIndex >= 0,
                DurationMs = settings.FixDurationAtCreation == true ? settings.TaskDurationMs : null,
            };
            _tasks.Add(task);
            post?.TaskIds.Add(task.Id);
            _started[clusterId] = _started.GetValueOrDefault(clusterId) + 1;
            return task;
        }
    }

    /// <summary>
    /// With <see cref="SimulatorOptions.ForeignTasks"/>, what OCP's other users do on the cluster
    /// just before a backupNow POST (a console backup and a "Stop backup" task) or just after it (a
    /// scheduled backup): tasks finished at once, never attributed to a POST. The "Stop backup" task
    /// and the scheduled backup carry the POSTing user as creator (a script of the same account, a
    /// schedule that user set up), so only their name and type tell them from the POST's task.
    /// </summary>
    public void AddForeignTasks(long clusterId, string user, bool beforePost)
    {
        lock (_gate)
        {
            var settings = Settings;
            if (settings.ForeignTasks != true)
            {
                return;
            }

            (string Name, string Type, string Creator)[] foreign = beforePost
                ? [($"Backup cluster {clusterId}", "MANUAL", "console-admin"), ($"Stop backup cluster {clusterId}", "MANUAL", user)]
                : [($"Backup cluster {clusterId}", "SCHEDULED", user)];
            foreach (var (name, type, creator) in foreign)
            {
                _tasks.Add(new SimTask
                {
                    Id = NextId(settings),
                    ClusterId = clusterId,
                    Creator = creator,
                    CreatedAt = time.GetUtcNow(),
                    Name = name,
                    Type = type,
                    Foreign = true,
                    DurationMs = 0,
                });
            }
        }
    }

    /// <summary>OCP's task operations: "retry" runs a FAILED task again, "rollback" marks it rolled back; null when not allowed.</summary>
    public SimTask? Act(long id, string operation)
    {
        lock (_gate)
        {
            if (_tasks.FirstOrDefault(t => t.Id == id) is not { } task || Status(task) != "FAILED")
            {
                return null;
            }

            task.Operation = operation.ToUpperInvariant();
            if (operation == "retry")
            {
                task.ForcedStatus = null;
                task.FailAtEnd = false;
                task.RestartedAt = time.GetUtcNow();
            }

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

        var done = time.GetUtcNow() >= End(t);
        return !done ? "RUNNING" : t.FailAtEnd ? "FAILED" : "SUCCESSFUL";
    }

    /// <summary>The task as OCP's API writes it: statuses in <paramref name="form"/> (canonical upper case when none).</summary>
    public JsonObject ToJson(SimTask t, string? form = null, long answer = 0)
    {
        var status = Status(t);
        var end = End(t);
        JsonNode Word(string canonical, bool topLevel) => StatusForms.Render(canonical, form ?? "upper", answer, topLevel);
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
            ["name"] = t.Name ?? $"Backup cluster {t.ClusterId}",
            ["taskDefinitionId"] = 41,
            ["cluster"] = new JsonObject { ["id"] = t.ClusterId, ["name"] = $"cluster-{t.ClusterId}" },
            ["tenant"] = null,
            ["creator"] = new JsonObject { ["id"] = 1, ["name"] = t.Creator },
            ["status"] = Word(status, topLevel: true),
            ["type"] = t.Type,
            ["operation"] = t.Operation,
            ["executor"] = "sim",
            ["prohibitRollback"] = false,
            ["subtasks"] = new JsonArray(names.Select((n, i) => (JsonNode)new JsonObject
            {
                ["id"] = t.Id * 10 + i,
                ["name"] = n,
                ["status"] = Word(Sub(i), topLevel: false),
            }).ToArray()),
            ["createTime"] = Format(t.CreatedAt),
            ["startTime"] = Format(t.RestartedAt ?? t.CreatedAt),
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
                // Canonical statuses whatever the API's form; a foreign task (OCP's other users) is marked.
                ["tasks"] = new JsonArray(_tasks.Select(t => (JsonNode)Marked(ToJson(t), t)).ToArray()),
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
            _calls.Clear();
            _idBlock.Clear();
            _authFailures = 0;
            _settings = new();
        }
    }

    private static JsonObject Marked(JsonObject json, SimTask t)
    {
        if (t.Foreign)
        {
            json["foreign"] = true;
        }

        return json;
    }

    private DateTimeOffset End(SimTask t) => (t.RestartedAt ?? t.CreatedAt) + TimeSpan.FromMilliseconds(t.DurationMs ?? TaskDurationMs);

    /// <summary>The next task id: one counter, or (<see cref="SimulatorOptions.TaskIdBlock"/>) the next of a block handed out out of order.</summary>
    private long NextId(SimSettings settings)
    {
        if (settings.TaskIdBlock is not { } size || size <= 1)
        {
            _idBlock.Clear();
            return _nextTaskId++;
        }

        if (_idBlock.Count == 0)
        {
            var block = Enumerable.Range(0, size).Select(i => _nextTaskId + i).ToArray();
            _nextTaskId += block.Length;
            if (settings.TaskIdSeed is { } seed and not 0)
            {
                new Random(unchecked((seed * 397) ^ (int)block[0])).Shuffle(block);
            }
            else
            {
                Array.Reverse(block);
            }

            foreach (var id in block)
            {
                _idBlock.Enqueue(id);
            }
        }

        return _idBlock.Dequeue();
    }

    /// <summary>OCP's timestamps: local time of the server with its offset, milliseconds.</summary>
    public static string Format(DateTimeOffset t) => t.ToOffset(OcpOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static JsonObject Counts(Dictionary<long, int> counts) =>
        new(counts.Select(c => KeyValuePair.Create(c.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)c.Value)));
}
