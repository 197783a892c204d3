using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation;

namespace BackupOperator.Tests.Reconciliation;

/// <summary>Answers given in order, one per call; when none is left, the fallback answers.</summary>
internal sealed class Script<T>
{
    private readonly Queue<Func<T>> _steps = new();

    public void Add(T value) => _steps.Enqueue(() => value);

    public void Add(Exception e) => _steps.Enqueue(() => throw e);

    public T Next(Func<T> fallback) => (_steps.Count > 0 ? _steps.Dequeue() : fallback)();
}

/// <summary>
/// OCP as the reconciler sees it. Records every call. Unscripted, a POST is accepted and creates a
/// RUNNING task in <see cref="Tasks"/>, a task read answers from <see cref="Tasks"/> (404 when
/// absent) and the task list is empty.
/// </summary>
internal sealed class FakeOcpApi : IOcpApi
{
    private readonly Script<OcpResponse<BackupCommonResponse>> _posts = new();
    private readonly Script<IReadOnlyList<TaskInstance>> _lists = new();
    private readonly Script<TaskInstance?> _reads = new();
    private long _nextTaskId = 3000041;

    public List<(long ClusterId, BackupNowRequest Request)> Posts { get; } = [];
    public List<TaskQuery> Lists { get; } = [];
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
        _lists.Add(tasks);
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
        Posts.Add((clusterId, request));
        return Task.FromResult(_posts.Next(() =>
        {
            var id = _nextTaskId++;
            Tasks[id] = TestResources.Task(id, clusterId: clusterId);
            return TestResources.Accepted(id);
        }));
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
        var contents = _lists.Next(() => []);
        return Task.FromResult(new OcpResponse<OcpPage<TaskInstance>>(
            new OcpPage<TaskInstance> { Contents = contents, Page = new PageInfo(contents.Count, 1, 1, query.Size) }, true, "trace-list", null, null));
    }
}

internal sealed class FakeOcpConnector(IOcpApi api) : IOcpConnector
{
    public OcpConfigurationException? Failure { get; set; }
    public AccessKeyDto? AccessKey { get; set; }
    public int Calls { get; private set; }

    public Task<IOcpApi> ConnectAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        Calls++;
        return Failure is null ? Task.FromResult(api) : throw Failure;
    }

    public Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
    {
        Calls++;
        return Failure is null ? Task.FromResult(AccessKey) : throw Failure;
    }
}
