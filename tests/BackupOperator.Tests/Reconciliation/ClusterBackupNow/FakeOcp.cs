using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>Answers given in order, one per call; when none is left, the fallback answers.</summary>
internal sealed class Script<T>
{
    private readonly Queue<Func<T>> _steps = new();

    public void Add(T value) => _steps.Enqueue(() => value);

    public void Add(Exception e) => _steps.Enqueue(() => throw e);

    public void Add(Func<T> step) => _steps.Enqueue(step);

    public bool HasNext => _steps.Count > 0;

    public T Next(Func<T> fallback) => (_steps.Count > 0 ? _steps.Dequeue() : fallback)();
}

/// <summary>
/// OCP as the reconciler sees it. Records every call. Unscripted, a POST is accepted and creates a
/// RUNNING task in <see cref="Tasks"/>, a task read answers from <see cref="Tasks"/> (404 when
/// absent) and the task list lists <see cref="Tasks"/> of the cluster, paged as asked, newest first
/// when asked for <c>id,desc</c> (ascending ids otherwise, or always with <see cref="IgnoreSort"/>).
/// </summary>
internal sealed class FakeOcpApi : IOcpApi
{
    private readonly Script<OcpResponse<BackupCommonResponse>> _posts = new();
    private readonly Script<(IReadOnlyList<TaskInstance> Tasks, int? TotalPages)> _lists = new();
    private readonly Script<TaskInstance?> _reads = new();
    private long _nextTaskId = 3000041;

    /// <summary>Lists in ascending id order whatever sort is asked for, as a server without sort support would.</summary>
    public bool IgnoreSort { get; set; }

    /// <summary>Answers the task list without OCP's page info (no totalPages), as some proxies or versions do.</summary>
    public bool OmitPageInfo { get; set; }

    /// <summary>When set, the task list comes in this order whatever sort is asked for (e.g. by name).</summary>
    public Func<IEnumerable<TaskInstance>, IEnumerable<TaskInstance>>? ServerOrder { get; set; }

    /// <summary>When set, tasks created by a POST carry this create time.</summary>
    public Func<DateTime>? Clock { get; set; }

    public List<(long ClusterId, BackupNowRequest Request)> Posts { get; } = [];
    public List<TaskQuery> Lists { get; } = [];

    /// <summary>The X-Request-Id each POST carried, in order.</summary>
    public List<string?> PostRequestIds { get; } = [];
    public List<long> TaskReads { get; } = [];
    public Dictionary<long, TaskInstance> Tasks { get; } = [];
    public int Calls => Posts.Count + Lists.Count + TaskReads.Count;

    public FakeOcpApi AnswerPost(OcpResponse<BackupCommonResponse> answer)
    {
        _posts.Add(answer);
        return this;
    }

    public FakeOcpApi FailPost(Exception e)
    {
        _posts.Add(e);
        return this;
    }

    public FakeOcpApi AnswerList(params TaskInstance[] tasks)
    {
        _lists.Add((tasks, 1));
        return this;
    }

    /// <summary>One scripted page of the task list, with OCP's page count (null: not given).</summary>
    public FakeOcpApi AnswerPage(TaskInstance[] tasks, int? totalPages)
    {
        _lists.Add((tasks, totalPages));
        return this;
    }

    /// <summary>The next POST starts a backup (its task is listed from now on), but its answer is lost.</summary>
    public FakeOcpApi StartThenLoseAnswer(Exception lost)
    {
        _posts.Add(() =>
        {
            StartTask(Posts[^1].ClusterId);
            throw lost;
        });
        return this;
    }

    /// <summary>Tasks OCP already has (any cluster), e.g. those of earlier backups.</summary>
    public FakeOcpApi Existing(params TaskInstance[] tasks)
    {
        foreach (var t in tasks)
        {
            Tasks[t.Id] = t;
        }

        return this;
    }

    public FakeOcpApi FailList(Exception e)
    {
        _lists.Add(e);
        return this;
    }

    public FakeOcpApi FailTaskRead(Exception e)
    {
        _reads.Add(e);
        return this;
    }

    public Task<OcpResponse<BackupCommonResponse>> BackupNowAsync(long clusterId, BackupNowRequest request, CancellationToken cancellationToken, string? requestId = null)
    {
        PostRequestIds.Add(requestId);
        Posts.Add((clusterId, request));
        return Task.FromResult(_posts.Next(() => TestResources.Accepted(StartTask(clusterId))));
    }

    private long StartTask(long clusterId)
    {
        var id = Math.Max(_nextTaskId, Tasks.Count == 0 ? 0 : Tasks.Keys.Max() + 1);
        _nextTaskId = id + 1;
        Tasks[id] = TestResources.Task(id, clusterId: clusterId, created: Clock?.Invoke());
        return id;
    }

    public Task<OcpResponse<TaskInstance>> GetTaskAsync(long taskInstanceId, CancellationToken cancellationToken)
    {
        TaskReads.Add(taskInstanceId);
        var task = _reads.Next(() => Tasks.TryGetValue(taskInstanceId, out var t)
            ? t
            : throw Fail.Rejected(404, $"task instance {taskInstanceId} not found", "TASK_INSTANCE_NOT_FOUND", "getTask"));
        return Task.FromResult(new OcpResponse<TaskInstance>(task!, true, "trace-read", "a83ad33525", null));
    }

    public Task<OcpResponse<OcpPage<TaskInstance>>> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        Lists.Add(query);
        if (_lists.HasNext)
        {
            var (scripted, totalPages) = _lists.Next(() => ([], 1));
            return Task.FromResult(new OcpResponse<OcpPage<TaskInstance>>(
                new OcpPage<TaskInstance> { Contents = scripted, Page = totalPages is null ? null : new PageInfo(scripted.Count, totalPages, query.Page, query.Size) },
                true, "trace-list", null, null));
        }

        var all = Tasks.Values.Where(t => query.ClusterId is null || t.Cluster?.Id == query.ClusterId).OrderBy(t => t.Id).ToList();
        if (ServerOrder is not null)
        {
            all = ServerOrder(all).ToList();
        }
        else if (!IgnoreSort && query.Sort == "id,desc")
        {
            all.Reverse();
        }

        var pages = (all.Count + query.Size - 1) / query.Size;
        var contents = all.Skip((query.Page - 1) * query.Size).Take(query.Size).ToList();
        return Task.FromResult(new OcpResponse<OcpPage<TaskInstance>>(
            new OcpPage<TaskInstance> { Contents = contents, Page = OmitPageInfo ? null : new PageInfo(all.Count, pages, query.Page, query.Size) }, true, "trace-list", null, null));
    }
}

internal sealed class FakeOcpConnector(IOcpApi api) : IOcpConnector
{
    public OcpConfigurationException? Failure { get; set; }
    public OcpAccessDeniedException? Denial { get; set; }

    /// <summary>Denies only the checks made with a recorded target (before a POST), as a grant withdrawn after the intent.</summary>
    public OcpAccessDeniedException? DenialAfterIntent { get; set; }
    public AccessKeyDto? AccessKey { get; set; }

    /// <summary>The OCP the connection reaches now (its url may be edited by a test).</summary>
    public OcpTarget Target { get; set; } = new(TestResources.OcpEndpoint, null);

    /// <summary>The OCP user the connection signs in as (Basic); null as with AK/SK.</summary>
    public string? User { get; set; }
    public int Calls { get; private set; }
    public int Authorizations { get; private set; }

    /// <summary>The recorded target each authorization was asked with (null: before the intent).</summary>
    public List<OcpTarget?> AuthorizedWith { get; } = [];

    /// <summary>The target each connect was asked for (null: none recorded).</summary>
    public List<OcpTarget?> ConnectedWith { get; } = [];

    public Task<OcpTarget> ResolveAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken) =>
        Failure is null ? Task.FromResult(Target) : throw Failure;

    public Task AuthorizeAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken)
    {
        Authorizations++;
        AuthorizedWith.Add(recorded);
        return Denial is not null ? throw Denial
            : recorded is not null && DenialAfterIntent is not null ? throw DenialAfterIntent
            : Failure is not null ? throw Failure : Task.CompletedTask;
    }

    public Task<OcpSession> ConnectAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken)
    {
        Calls++;
        ConnectedWith.Add(recorded);
        if (Failure is not null)
        {
            throw Failure;
        }

        // As the real connector: credentials never go to another OCP than the recorded one.
        return recorded is not null && recorded.Endpoint != Target.Endpoint
            ? throw new OcpConfigurationException($"now points at OCP {Target.Endpoint}, but this backup was submitted to {recorded.Endpoint}")
            : Task.FromResult(new OcpSession(api, recorded ?? Target, User));
    }

    public Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        Calls++;
        return Failure is null ? Task.FromResult(AccessKey) : throw Failure;
    }
}
