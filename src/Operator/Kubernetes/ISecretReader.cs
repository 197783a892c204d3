namespace BackupOperator.Operator.Kubernetes;

/// <summary>Reads a Secret by name; never lists or watches Secrets.</summary>
public interface ISecretReader
{
    /// <summary>
    /// The Secret's data and labels. Throws <see cref="SecretUnavailableException"/> when it does not
    /// exist or the operator may not read it; <paramref name="field"/> names the reference in messages.
    /// </summary>
    Task<SecretContent> ReadContentAsync(string ns, string name, string field, CancellationToken cancellationToken);

    /// <summary>The Secret's data (see <see cref="ReadContentAsync"/>).</summary>
    async Task<IDictionary<string, byte[]>> ReadAsync(string ns, string name, string field, CancellationToken cancellationToken) =>
        (await ReadContentAsync(ns, name, field, cancellationToken)).Data;
}
