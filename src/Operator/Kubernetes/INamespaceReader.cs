namespace BackupOperator.Operator.Kubernetes;

/// <summary>Reads a Namespace's labels, live: a grant by label selector must see today's labels.</summary>
public interface INamespaceReader
{
    /// <summary>The namespace's labels; null when it does not exist.</summary>
    Task<IDictionary<string, string>?> ReadLabelsAsync(string name, CancellationToken cancellationToken);
}
