namespace BackupOperator.Operator.Ocp;

/// <summary>The OCP operations the operator uses. Failures are <see cref="OcpApiException"/>.</summary>
public interface IOcpApi
{
    /// <summary>Not idempotent: every call that reaches OCP may start a backup. Never retried here.</summary>
    /// <param name="requestId">The intent's id, sent as <c>X-Request-Id</c> so OCP's side (logs, a proxy, the simulator) can tell which attempt a POST was; not signed.</param>
    Task<OcpResponse<BackupCommonResponse>> BackupNowAsync(long clusterId, BackupNowRequest request, CancellationToken cancellationToken, string? requestId = null);

    Task<OcpResponse<TaskInstance>> GetTaskAsync(long taskInstanceId, CancellationToken cancellationToken);

    Task<OcpResponse<OcpPage<TaskInstance>>> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken);
}

/// <summary>OCP's answer: the data and the envelope fields worth keeping.</summary>
public sealed record OcpResponse<T>(T Data, bool Successful, string? TraceId, string? Server, string? Timestamp);
