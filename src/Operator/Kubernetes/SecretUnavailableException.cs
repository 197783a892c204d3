namespace BackupOperator.Operator.Kubernetes;

/// <summary>A referenced Secret is missing or unreadable; the message says which and why, never its data.</summary>
/// <param name="forbidden">True when the Secret may exist but the operator may not read it (RBAC: not granted).</param>
public sealed class SecretUnavailableException(string message, bool forbidden = false) : Exception(message)
{
    /// <summary>The API server refused the read (403): the operator's ServiceAccount has no 'get' on it. False: it does not exist.</summary>
    public bool Forbidden { get; } = forbidden;
}
