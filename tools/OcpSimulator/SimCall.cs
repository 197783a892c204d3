namespace BackupOperator.OcpSimulator;

/// <summary>
/// One call to the OCP API, authenticated or not: what it was (method, path, operation), which
/// cluster and task it was about (when the route names them), who sent it and when.
/// </summary>
public sealed record SimCall(string Method, string Path, string Operation, long? ClusterId, long? TaskId, string? User, DateTimeOffset At);
