namespace BackupOperator.Operator.Kubernetes;

/// <summary>Reads a Secret's data by name; never lists or watches Secrets.</summary>
public interface ISecretReader
{
    /// <summary>
    /// The Secret's data. Throws <see cref="SecretUnavailableException"/> when it does not exist or
    /// the operator may not read it; <paramref name="field"/> names the reference in messages.
    /// </summary>
    Task<IDictionary<string, byte[]>> ReadAsync(string ns, string name, string field, CancellationToken cancellationToken);
}
