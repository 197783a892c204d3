using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Tests.Runtime;

/// <summary>A scripted API server: lists are answered from <see cref="Lists"/>, each watch is a channel the test writes to.</summary>
internal sealed class FakeWatchSource : IWatchSource<V1alpha1ClusterBackupNow>
{
    public Queue<(V1alpha1ClusterBackupNow[] Items, string Rv)> Lists { get; } = new();
    public Channel<string> ListCalls { get; } = Channel.CreateUnbounded<string>();
    public Channel<(string Rv, Channel<object> Stream)> Watches { get; } = Channel.CreateUnbounded<(string, Channel<object>)>();

    /// <summary>A list is answered in pages of <see cref="PageSize"/>, each with the list's resourceVersion.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>When set, every page after the first waits for one release of it: a test looks between pages.</summary>
    public SemaphoreSlim? BetweenPages { get; set; }

    public async IAsyncEnumerable<ListPage<V1alpha1ClusterBackupNow>> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (items, rv) = Lists.Count > 1 ? Lists.Dequeue() : Lists.Peek();
        ListCalls.Writer.TryWrite(rv);
        var first = true;
        foreach (var page in items.Length == 0 ? [[]] : items.Chunk(PageSize))
        {
            if (!first && BetweenPages is not null)
            {
                await BetweenPages.WaitAsync(cancellationToken);
            }

            await Task.Yield();
            first = false;
            yield return new ListPage<V1alpha1ClusterBackupNow>(page, rv);
        }
    }

    /// <summary>Items written to the stream are WatchEvents or exceptions (thrown by the watch); completing it ends the stream.</summary>
    public async IAsyncEnumerable<WatchEvent<V1alpha1ClusterBackupNow>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = Channel.CreateUnbounded<object>();
        Watches.Writer.TryWrite((resourceVersion, stream));
        await foreach (var item in stream.Reader.ReadAllAsync(cancellationToken))
        {
            if (item is Exception e)
            {
                throw e;
            }

            yield return (WatchEvent<V1alpha1ClusterBackupNow>)item;
        }
    }
}
