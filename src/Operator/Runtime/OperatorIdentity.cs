namespace BackupOperator.Operator.Runtime;

/// <summary>
/// Who this process is, computed once: the leader lease holder and the events' reporting instance.
/// Configured (LeaderElection:Identity), else the Pod name (POD_NAME) or host name with a random
/// suffix, so that two processes on one host never share a lease identity.
/// </summary>
public sealed record OperatorIdentity(string Name)
{
    public static OperatorIdentity Create(string? configured) =>
        new(configured is { Length: > 0 }
            ? configured
            : $"{Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName}_{Guid.NewGuid().ToString("N")[..8]}");
}
