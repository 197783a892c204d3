using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>List and watch of one resource type: what an informer needs of the API server.</summary>
public interface IWatchSource<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>Events from <paramref name="resourceVersion"/> on; ends when the server closes the stream.
    /// Throws <see cref="WatchExpiredException"/> when that resourceVersion is too old (410 Gone).</summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, CancellationToken cancellationToken);
}

/// <summary>A watch event; for BOOKMARK only <see cref="ResourceVersion"/> is set.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Resource, string? ResourceVersion);

/// <summary>The watch's resourceVersion is older than the server keeps: re-list.</summary>
public sealed class WatchExpiredException(string message, Exception? inner = null) : Exception(message, inner);
