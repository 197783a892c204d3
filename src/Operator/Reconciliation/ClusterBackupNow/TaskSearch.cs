using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// Reads the task list of one OCP cluster page by page, trusting its order only as far as the pages
/// read prove it. OCP is asked for newest first (<c>sort=id,desc</c>): while every page is in that
/// order, reading stops at the first page whose oldest task is older than what the caller needs.
/// Any other order (a server that ignores sort), or a page that breaks the order seen so far, means
/// the whole list is read, in pages of <see cref="FullReadPageSize"/>, up to the page limit. Never
/// one page just because it was full.
/// </summary>
internal static class TaskSearch
{
    /// <summary>Page size when the whole list must be read (OCP allows up to 2000).</summary>
    public const int FullReadPageSize = 500;

    /// <summary>Every task of the cluster the caller may need (each once).</summary>
    /// <param name="pageSize">Size of the newest-first pages: small when the first page is likely enough.</param>
    /// <param name="isOlderThanNeeded">True for a task older than anything the caller is looking for.</param>
    public static Task<IReadOnlyList<TaskInstance>> ReadAsync(
        IOcpApi api, long clusterId, int pageSize, int maxPages, Func<TaskInstance, bool> isOlderThanNeeded, CancellationToken ct) =>
        ReadAsync(api, clusterId, pageSize, maxPages, (task, _) => isOlderThanNeeded(task), ct);

    /// <summary>OCP's newest task id for the cluster (0 when it has none) and its task ids within <paramref name="reorderWindow"/> below it.</summary>
    public static async Task<(long Mark, List<long> Recent)> HighWaterMarkAsync(IOcpApi api, long clusterId, int maxPages, int reorderWindow, CancellationToken ct)
    {
        // Newest first, one page of 10 is usually enough; the whole list when OCP does not sort.
        var tasks = await ReadAsync(api, clusterId, pageSize: 10, maxPages, (task, highest) => task.Id <= highest - reorderWindow, ct);
        var mark = tasks.Count == 0 ? 0 : tasks.Max(t => t.Id);
        return (mark, tasks.Where(t => t.Id > mark - reorderWindow).Select(t => t.Id).Order().ToList());
    }

    /// <param name="isOlderThanNeeded">Given a task and the highest id read so far: true when that task is older than anything needed.</param>
    private static async Task<IReadOnlyList<TaskInstance>> ReadAsync(
        IOcpApi api, long clusterId, int pageSize, int maxPages, Func<TaskInstance, long, bool> isOlderThanNeeded, CancellationToken ct)
    {
        var reader = new Reader(api, clusterId, maxPages);
        var page = await reader.PageAsync(1, pageSize, ct);
        if (!IsDescending(page.Tasks))
        {
            return await reader.EverythingAsync(ct);
        }

        for (var number = 1; !page.IsLast(number) && !(page.Tasks.Count > 0 && isOlderThanNeeded(page.Tasks[^1], reader.Highest)); number++)
        {
            var lowest = reader.Lowest;
            page = await reader.PageAsync(number + 1, pageSize, ct);
            // Tasks created meanwhile push earlier ones onto the next page: a repeat is no break of order.
            if (!IsDescending(page.Tasks) || page.NewIds.Any(id => id > lowest))
            {
                return await reader.EverythingAsync(ct);
            }
        }

        return reader.Tasks;
    }

    /// <summary>Newest first: ids never grow along the page (a single task is in any order).</summary>
    private static bool IsDescending(IReadOnlyList<TaskInstance> tasks) =>
        tasks.Zip(tasks.Skip(1)).All(p => p.First.Id >= p.Second.Id);

    /// <summary>The pages read so far, within the page limit.</summary>
    private sealed class Reader(IOcpApi api, long clusterId, int maxPages)
    {
        private readonly Dictionary<long, TaskInstance> _tasks = [];
        private int _pagesRead;

        public IReadOnlyList<TaskInstance> Tasks => [.. _tasks.Values];

        public long Lowest => _tasks.Count == 0 ? long.MaxValue : _tasks.Keys.Min();

        public long Highest => _tasks.Count == 0 ? long.MinValue : _tasks.Keys.Max();

        public async Task<Page> PageAsync(int page, int size, CancellationToken ct)
        {
            if (++_pagesRead > maxPages)
            {
                throw new OcpApiException("listTasks", OcpFailureKind.InvalidResponse,
                    $"the task list of cluster {clusterId} did not reach the tasks needed within {maxPages} pages (Backup:MaxTaskListPages)");
            }

            var answer = await api.ListTasksAsync(new TaskQuery(ClusterId: clusterId, Page: page, Size: size, Sort: "id,desc"), ct);
            var tasks = answer.Data.Contents ?? [];
            var newIds = tasks.Where(t => _tasks.TryAdd(t.Id, t)).Select(t => t.Id).ToList();
            return new Page(tasks, newIds, answer.Data.Page?.TotalPages, size);
        }

        /// <summary>The whole list, in large pages, whatever its order.</summary>
        public async Task<IReadOnlyList<TaskInstance>> EverythingAsync(CancellationToken ct)
        {
            for (var page = 1; !(await PageAsync(page, FullReadPageSize, ct)).IsLast(page); page++)
            {
            }

            return Tasks;
        }
    }

    /// <param name="NewIds">The ids of this page not read before (a page may repeat tasks of the previous one).</param>
    private sealed record Page(IReadOnlyList<TaskInstance> Tasks, IReadOnlyList<long> NewIds, int? TotalPages, int Size)
    {
        /// <summary>The last page: OCP's page count says so, or (without one) the page was not full.</summary>
        public bool IsLast(int number) => Tasks.Count == 0 || (TotalPages is { } total ? number >= total : Tasks.Count < Size);
    }
}
