namespace BackupOperator.Operator.Kubernetes;

/// <summary>A referenced Secret is missing or unreadable; the message says which and why, never its data.</summary>
/// <param name="forbidden">True when the Secret may exist but the operator may not read it (RBAC).</param>
public sealed class SecretUnavailableException(string message, bool forbidden = false) : Exception(message)
{
    /// <summary>The operator may not read the Secret; false: it does not exist.</summary>
    public bool Forbidden { get; } = forbidden;
}
