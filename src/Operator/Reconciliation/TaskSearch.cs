using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation;

/// <summary>
/// Reads the task list of one OCP cluster page by page, without trusting its order: OCP is asked
/// for newest first (<c>sort=id,desc</c>); when a page comes back oldest first instead, the pages
/// are read from the last one backwards. Reading stops at the first page whose oldest task is
/// older than what the caller needs, or at the end of the list; never after one page just because
/// it was full.
/// </summary>
internal static class TaskSearch
{
    /// <summary>Every task of the cluster the caller may need: all tasks read, newest pages first.</summary>
    /// <param name="isOlderThanNeeded">True for a task older than anything the caller is looking for.</param>
    public static async Task<IReadOnlyList<TaskInstance>> ReadAsync(
        IOcpApi api, long clusterId, int pageSize, int maxPages, Func<TaskInstance, bool> isOlderThanNeeded, CancellationToken ct)
    {
        var read = new List<TaskInstance>();
        var first = await PageAsync(api, clusterId, 1, pageSize, ct);
        read.AddRange(first.Tasks);
        if (first.IsLast(1) || ReachedOlder(first.Tasks, isOlderThanNeeded))
        {
            return read;
        }

        if (IsAscending(first.Tasks))
        {
            // The server ignored sort: the newest tasks are on the last page.
            if (first.TotalPages is not { } total)
            {
                return await ReadForwardAsync(api, clusterId, pageSize, maxPages, read, ct);
            }

            for (var page = total; page >= 2; page--)
            {
                Limit(page: total - page + 2, maxPages, clusterId);
                var tasks = (await PageAsync(api, clusterId, page, pageSize, ct)).Tasks;
                read.AddRange(tasks);
                if (tasks.Count > 0 && isOlderThanNeeded(tasks.MinBy(t => t.Id)!))
                {
                    break;
                }
            }

            return read;
        }

        for (var page = 2; ; page++)
        {
            Limit(page, maxPages, clusterId);
            var next = await PageAsync(api, clusterId, page, pageSize, ct);
            read.AddRange(next.Tasks);
            if (next.IsLast(page) || ReachedOlder(next.Tasks, isOlderThanNeeded))
            {
                return read;
            }
        }
    }

    /// <summary>OCP's newest task id for the cluster; 0 when it has none.</summary>
    /// <remarks>Read with the lookups' page size: a server that neither sorts nor counts pages is read to its end, and the mark must reach as far as a lookup can.</remarks>
    public static async Task<long> HighWaterMarkAsync(IOcpApi api, long clusterId, int pageSize, int maxPages, CancellationToken ct)
    {
        // Every task is "older than needed": one page when OCP sorts newest first, the last page when it does not.
        var tasks = await ReadAsync(api, clusterId, pageSize, maxPages, _ => true, ct);
        return tasks.Count == 0 ? 0 : tasks.Max(t => t.Id);
    }

    private static async Task<IReadOnlyList<TaskInstance>> ReadForwardAsync(
        IOcpApi api, long clusterId, int pageSize, int maxPages, List<TaskInstance> read, CancellationToken ct)
    {
        for (var page = 2; ; page++)
        {
            Limit(page, maxPages, clusterId);
            var next = await PageAsync(api, clusterId, page, pageSize, ct);
            read.AddRange(next.Tasks);
            if (next.IsLast(page))
            {
                return read;
            }
        }
    }

    /// <summary>Newest first (as asked) and its oldest task is older than needed: later pages are older still.</summary>
    private static bool ReachedOlder(IReadOnlyList<TaskInstance> tasks, Func<TaskInstance, bool> isOlderThanNeeded) =>
        tasks.Count > 0 && !IsAscending(tasks) && isOlderThanNeeded(tasks[^1]);

    private static bool IsAscending(IReadOnlyList<TaskInstance> tasks)
    {
        if (tasks.Count < 2)
        {
            return false;
        }

        for (var i = 1; i < tasks.Count; i++)
        {
            if (tasks[i].Id < tasks[i - 1].Id)
            {
                return false;
            }
        }

        return true;
    }

    private static void Limit(int page, int maxPages, long clusterId)
    {
        if (page > maxPages)
        {
            throw new OcpApiException("listTasks", OcpFailureKind.InvalidResponse,
                $"the task list of cluster {clusterId} did not reach the tasks needed within {maxPages} pages (Backup:MaxTaskListPages)");
        }
    }

    private static async Task<Page> PageAsync(IOcpApi api, long clusterId, int page, int size, CancellationToken ct)
    {
        var answer = await api.ListTasksAsync(new TaskQuery(ClusterId: clusterId, Page: page, Size: size, Sort: "id,desc"), ct);
        return new Page(answer.Data.Contents ?? [], answer.Data.Page?.TotalPages, size);
    }

    private sealed record Page(IReadOnlyList<TaskInstance> Tasks, int? TotalPages, int Size)
    {
        /// <summary>The last page: OCP's page count says so, or (without one) the page was not full.</summary>
        public bool IsLast(int number) => Tasks.Count == 0 || (TotalPages is { } total ? number >= total : Tasks.Count < Size);
    }
}
