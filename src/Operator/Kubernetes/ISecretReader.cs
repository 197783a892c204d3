namespace BackupOperator.Operator.Kubernetes;

/// <summary>Reads a Secret by name (GET); never lists or watches Secrets.</summary>
public interface ISecretReader
{
    /// <summary>
    /// The Secret's data, possibly as read up to Ocp:SecretCacheDuration ago. Throws
    /// <see cref="SecretUnavailableException"/> when it does not exist or the operator may not read it;
    /// <paramref name="field"/> names the reference in messages.
    /// </summary>
    Task<SecretContent> ReadContentAsync(string ns, string name, string field, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ReadContentAsync"/>, but always asks the API server: the consent (RBAC grant) and the
    /// data as they are now, e.g. right before a request is sent with them.
    /// </summary>
    Task<SecretContent> ReadFreshAsync(string ns, string name, string field, CancellationToken cancellationToken);

    /// <summary>The Secret's data (see <see cref="ReadContentAsync"/>).</summary>
    async Task<IDictionary<string, byte[]>> ReadAsync(string ns, string name, string field, CancellationToken cancellationToken) =>
        (await ReadContentAsync(ns, name, field, cancellationToken)).Data;
}
