namespace BackupOperator.Operator.Kubernetes;

/// <summary>The resource changed since it was read: re-read it and decide again.</summary>
public sealed class StatusConflictException(string message, Exception inner) : Exception(message, inner);
