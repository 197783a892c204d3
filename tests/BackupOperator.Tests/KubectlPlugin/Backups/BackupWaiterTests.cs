using System.Net;
using System.Runtime.CompilerServices;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Backups;
using BackupOperator.KubectlPlugin.Kubernetes;
using k8s;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Backups;

/// <summary>The wait loop against a scripted API server: reads, watches, broken watches, deletion, timeouts.</summary>
public sealed class BackupWaiterTests
{
    [Fact]
    public async Task A_finished_backup_is_answered_from_the_first_read_without_a_watch()
    {
        var api = new ScriptedReader { Gets = { Backup("b", BackupPhase.Failed) } };
        var result = await Wait(api, null);
        Assert.Equal(WaitEnd.Finished, result.End);
        Assert.Equal(BackupPhase.Failed, result.Last!.Status!.Phase);
        Assert.Equal(0, api.Watches);
    }

    [Fact]
    public async Task The_watch_carries_it_to_the_end_from_the_read_resource_version()
    {
        var api = new ScriptedReader { Gets = { Backup("b", BackupPhase.Pending) } };
        api.Streams.Add([(WatchEventType.Modified, Backup("b", BackupPhase.Running, 1)), (WatchEventType.Modified, Backup("b", BackupPhase.Succeeded, 1))]);
        var result = await Wait(api, TimeSpan.FromSeconds(10));
        Assert.Equal((WaitEnd.Finished, BackupPhase.Succeeded), (result.End, result.Last!.Status!.Phase));
        Assert.Equal(["1"], api.WatchedFrom);
    }

    [Fact]
    public async Task A_watch_that_ends_breaks_or_expires_is_followed_by_a_new_read_and_watch()
    {
        var api = new ScriptedReader { Gets = { Backup("b", BackupPhase.Running), Backup("b", BackupPhase.Running), Backup("b", BackupPhase.Running), Backup("b", BackupPhase.Succeeded) } };
        api.Streams.Add([]); // the server closed it (its timeoutSeconds)
        api.Streams.Add([(WatchEventType.Error, null)]); // 410 Gone as an ERROR event
        api.Streams.Add(null); // the connection broke
        var result = await Wait(api, TimeSpan.FromSeconds(20));
        Assert.Equal(WaitEnd.Finished, result.End);
        Assert.Equal(4, api.Reads);
    }

    [Fact]
    public async Task Missing_is_not_found_at_once_and_deletion_mid_wait_is_deleted()
    {
        Assert.Equal(WaitEnd.NotFound, (await Wait(new ScriptedReader { Gets = { null } }, null)).End);

        var deleted = new ScriptedReader { Gets = { Backup("b", BackupPhase.Running) } };
        deleted.Streams.Add([(WatchEventType.Deleted, Backup("b", BackupPhase.Running))]);
        Assert.Equal(WaitEnd.Deleted, (await Wait(deleted, null)).End);

        // Deleted right after finishing (ttlSecondsAfterFinished: 0): its last state is the answer.
        var ttl = new ScriptedReader { Gets = { Backup("b", BackupPhase.Running) } };
        ttl.Streams.Add([(WatchEventType.Deleted, Backup("b", BackupPhase.Succeeded))]);
        var last = await Wait(ttl, null);
        Assert.Equal((WaitEnd.Finished, BackupPhase.Succeeded), (last.End, last.Last?.Status?.Phase));
    }

    [Fact]
    public async Task A_backup_about_to_be_created_is_waited_for()
    {
        var api = new ScriptedReader { Gets = { null, Backup("b", BackupPhase.Succeeded) } };
        var result = await new BackupWaiter(api, TimeProvider.System).WaitAsync("db", "b", TimeSpan.FromSeconds(20), appearing: true, CancellationToken.None);
        Assert.Equal(WaitEnd.Finished, result.End);
    }

    [Fact]
    public async Task The_timeout_ends_a_wait_on_a_backup_that_does_not_move_and_zero_looks_once()
    {
        var api = new ScriptedReader { Gets = { Backup("b", BackupPhase.Running, 5) } };
        api.Streams.Add(ScriptedReader.Forever);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await Wait(api, TimeSpan.FromMilliseconds(300));
        Assert.Equal((WaitEnd.TimedOut, BackupPhase.Running), (result.End, result.Last!.Status!.Phase));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));

        var once = new ScriptedReader { Gets = { Backup("b", BackupPhase.Running) } };
        Assert.Equal(WaitEnd.TimedOut, (await Wait(once, TimeSpan.Zero)).End);
        Assert.Equal(0, once.Watches);
    }

    [Fact]
    public async Task Forbidden_and_an_unreachable_server_before_the_first_read_are_errors_not_waits()
    {
        var forbidden = new ScriptedReader { GetError = Http(HttpStatusCode.Forbidden) };
        await Assert.ThrowsAsync<KubeApiException>(() => Wait(forbidden, null));
        var unreachable = new ScriptedReader { GetError = new HttpRequestException("Connection refused") };
        await Assert.ThrowsAsync<HttpRequestException>(() => Wait(unreachable, null));
    }

    [Theory]
    [InlineData(HttpStatusCode.Gone, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    public void Which_answers_pass(HttpStatusCode code, bool transient) => Assert.Equal(transient, BackupWaiter.IsTransient(Http(code)));

    private static Task<WaitResult> Wait(ScriptedReader api, TimeSpan? timeout) =>
        new BackupWaiter(api, TimeProvider.System).WaitAsync("db", "b", timeout, appearing: false, CancellationToken.None);

    private static KubeApiException Http(HttpStatusCode code) => new(code, null, $"{(int)code}");

    /// <summary>Answers reads from <see cref="Gets"/> in turn (the last one repeats) and watches from <see cref="Streams"/> (null: the stream breaks).</summary>
    private sealed class ScriptedReader : IBackupReader
    {
        public static readonly List<(WatchEventType, V1alpha1ClusterBackupNow?)> Forever = [];

        public List<V1alpha1ClusterBackupNow?> Gets { get; } = [];

        public List<List<(WatchEventType, V1alpha1ClusterBackupNow?)>?> Streams { get; } = [];

        public Exception? GetError { get; init; }

        public int Reads { get; private set; }

        public int Watches { get; private set; }

        public List<string?> WatchedFrom { get; } = [];

        public Task<V1alpha1ClusterBackupNow?> GetBackupAsync(string ns, string name, CancellationToken ct)
        {
            if (GetError is not null)
            {
                throw GetError;
            }

            var answer = Gets[Math.Min(Reads, Gets.Count - 1)];
            Reads++;
            return Task.FromResult(answer);
        }

        public async IAsyncEnumerable<(WatchEventType Type, V1alpha1ClusterBackupNow? Backup)> WatchBackupAsync(
            string ns, string name, string? resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken ct)
        {
            WatchedFrom.Add(resourceVersion);
            var stream = Watches < Streams.Count ? Streams[Watches] : [];
            Watches++;
            if (stream is null)
            {
                throw new IOException("connection reset");
            }

            if (ReferenceEquals(stream, Forever))
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            foreach (var e in stream)
            {
                await Task.Yield();
                yield return e;
            }
        }
    }
}
