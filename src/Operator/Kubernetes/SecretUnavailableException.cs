namespace BackupOperator.Operator.Kubernetes;

/// <summary>A referenced Secret is missing or unreadable; the message says which and why, never its data.</summary>
public sealed class SecretUnavailableException(string message) : Exception(message);
