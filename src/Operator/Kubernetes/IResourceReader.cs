using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Reads one custom resource from the API server, past the cache.</summary>
public interface IResourceReader<T>
{
    /// <summary>The object as the API server has it now; null when it is gone.</summary>
    Task<T?> ReadAsync(NamespacedName key, CancellationToken cancellationToken);
}
