namespace BackupOperator.Operator.Kubernetes;

/// <summary>The resource was deleted: there is nothing to write, nor to retry.</summary>
public sealed class ResourceGoneException(string message, Exception inner) : Exception(message, inner);
