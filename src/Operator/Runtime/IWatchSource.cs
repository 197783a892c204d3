using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Runtime;

/// <summary>List and watch of one resource type: what an informer needs of the API server.</summary>
public interface IWatchSource<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// The list, page by page: a page's objects can be stored (and become garbage) before the next page
    /// is read, so a long history never sits in memory twice. The list's resourceVersion is the last page's.
    /// </summary>
    IAsyncEnumerable<ListPage<T>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Events from <paramref name="resourceVersion"/> on; ends when the server closes the stream.
    /// Throws <see cref="WatchExpiredException"/> when that resourceVersion is too old (410 Gone).</summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, CancellationToken cancellationToken);
}

/// <summary>One page of a list, with the list's resourceVersion as of that page.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>A watch event; for BOOKMARK only <see cref="ResourceVersion"/> is set.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Resource, string? ResourceVersion);

/// <summary>The watch's resourceVersion is older than the server keeps: re-list.</summary>
public sealed class WatchExpiredException(string message, Exception? inner = null) : Exception(message, inner);
