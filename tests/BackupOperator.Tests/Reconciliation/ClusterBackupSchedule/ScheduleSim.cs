using System.Globalization;
using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupSchedule;

/// <summary>What goes wrong in one pass; the pass does the controller's steps in its order: create → status → events → prune.</summary>
internal enum PassFault
{
    None,

    /// <summary>The operator stops (or the write is refused) between the child's creation and the status write: the child exists, nothing else happened.</summary>
    LoseStatusWrite,

    /// <summary>The API server refuses the child: a BackupNotCreated event, nothing written, the pass is retried.</summary>
    RefuseCreate,
}

/// <summary>One child as the API server created it, and when.</summary>
internal sealed record CreatedChild(DateTimeOffset At, V1alpha1ClusterBackupNow Child)
{
    public string Name => Child.Metadata.Name;

    public string? Mode => Child.Spec.DataBackupMode;

    public string? ScheduledAt => Child.Metadata.Annotations?.TryGetValue(V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation, out var a) == true ? a : null;

    public string? RunNowToken => Child.Metadata.Annotations?.TryGetValue(V1alpha1ClusterBackupSchedule.RunNowAnnotation, out var t) == true ? t : null;
}

/// <summary>An event about the schedule, when it was recorded.</summary>
internal sealed record SimEvent(DateTimeOffset At, ScheduleEvent Event)
{
    public string Reason => Event.Reason;
}

/// <summary>
/// A schedule, its children and a clock, driven like the operator drives them: a pass at every
/// requeue time, after every write (the watch echoes it), when a child finishes or is deleted, at
/// every resync, and at restart after downtime. Each pass feeds <see cref="ScheduleReconciler.Decide"/>
/// the stored schedule (as the API server returns it) and the children (as the cache holds them,
/// settled ones slim) and applies the decision in the controller's order. Children run for
/// <see cref="Runs"/>, then succeed (or fail, <see cref="Fails"/>), and are deleted
/// <see cref="TtlAfterFinished"/> later, as ttlSecondsAfterFinished does.
/// </summary>
internal sealed class ScheduleSim
{
    public const string Name = "nightly";
    public const string Namespace = "db";
    public const string Uid = "schedule-uid-1";

    /// <summary>A write comes back through the watch and wakes the schedule this much later.</summary>
    private static readonly TimeSpan Echo = TimeSpan.FromMilliseconds(100);

    /// <summary>After a crash, the operator is back and has listed everything this much later.</summary>
    private static readonly TimeSpan Restart = TimeSpan.FromSeconds(3);

    /// <summary>A failed pass is retried this much later.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private readonly SortedSet<DateTimeOffset> _wakes = [];
    private readonly Dictionary<string, (DateTimeOffset? FinishAt, bool Fails)> _life = [];
    private readonly DateTimeOffset _start;
    private int _uids;

    public ScheduleSim(ClusterBackupScheduleSpec spec, DateTimeOffset created)
    {
        created = Whole(created);
        _start = created;
        Time = new FakeTimeProvider(created);
        Schedule = new V1alpha1ClusterBackupSchedule
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                NamespaceProperty = Namespace,
                Uid = Uid,
                Generation = 1,
                ResourceVersion = "1",
                CreationTimestamp = created.UtcDateTime,
                Annotations = new Dictionary<string, string>(),
            },
            Spec = spec,
        };
        _wakes.Add(created);
    }

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The schedule as the API server stores it.</summary>
    public V1alpha1ClusterBackupSchedule Schedule { get; }

    public ClusterBackupScheduleStatus Status => Schedule.Status ?? new ClusterBackupScheduleStatus();

    /// <summary>The children the API server holds now.</summary>
    public Dictionary<string, V1alpha1ClusterBackupNow> Children { get; } = [];

    /// <summary>Every child ever created, in order: a name twice is a slot or token run twice.</summary>
    public List<CreatedChild> Created { get; } = [];

    public List<SimEvent> Events { get; } = [];

    public List<string> Pruned { get; } = [];

    public List<string> ExpiredByTtl { get; } = [];

    public List<(DateTimeOffset At, ScheduleDecision Decision)> Decisions { get; } = [];

    public int StatusWrites { get; private set; }

    /// <summary>How long a child runs; null: until the test says otherwise.</summary>
    public Func<CreatedChild, TimeSpan?> Runs { get; set; } = _ => TimeSpan.FromMinutes(20);

    public Func<CreatedChild, bool> Fails { get; set; } = _ => false;

    public TimeSpan? TtlAfterFinished { get; set; }

    /// <summary>Schedule:MaxActiveChildren.</summary>
    public int MaxActiveChildren { get; set; } = ScheduleReconciler.DefaultMaxActiveChildren;

    /// <summary>Every resync period the schedule is looked at, whatever happened; null: never.</summary>
    public TimeSpan? Resync { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>What goes wrong in a pass, given its decision; applies to passes run by <see cref="RunUntil"/>.</summary>
    public Func<ScheduleDecision, PassFault> Faults { get; set; } = _ => PassFault.None;

    public IEnumerable<CreatedChild> SlotChildren => Created.Where(c => c.ScheduledAt is not null);

    public IEnumerable<CreatedChild> RunNowChildren => Created.Where(c => c.RunNowToken is not null);

    public IEnumerable<SimEvent> EventsOf(string reason) => Events.Where(e => e.Reason == reason);

    /// <summary>Passes at every wake up to and including <paramref name="end"/>, then the clock stands at <paramref name="end"/>.</summary>
    public ScheduleSim RunUntil(DateTimeOffset end)
    {
        var sameInstant = 0;
        while (NextWake() is { } wake && wake <= end)
        {
            sameInstant = wake == Now ? sameInstant + 1 : 0;
            Assert.True(sameInstant < 100, $"the schedule asks to be looked at again at once, forever ({wake:O})");
            Time.SetUtcNow(wake);
            _wakes.RemoveWhere(w => w <= wake);
            Pass(Faults);
        }

        if (end > Now)
        {
            Time.SetUtcNow(end);
        }

        Progress();
        return this;
    }

    public ScheduleSim Advance(TimeSpan span) => RunUntil(Now + span);

    /// <summary>The operator is down until <paramref name="until"/>: no pass, its timers are lost; at restart every schedule is looked at.</summary>
    public ScheduleSim Down(DateTimeOffset until)
    {
        Time.SetUtcNow(until);
        _wakes.Clear();
        _wakes.Add(until);
        Progress();
        return this;
    }

    /// <summary>Edits the spec (a new generation): the watch wakes the schedule at once.</summary>
    public ScheduleSim Edit(Action<ClusterBackupScheduleSpec> edit)
    {
        edit(Schedule.Spec);
        Schedule.Metadata.Generation++;
        Bump();
        _wakes.Add(Now);
        return this;
    }

    /// <summary>Sets (or, with null, removes) the run-now annotation.</summary>
    public ScheduleSim RunNow(string? token)
    {
        if (token is null)
        {
            Schedule.Metadata.Annotations.Remove(V1alpha1ClusterBackupSchedule.RunNowAnnotation);
        }
        else
        {
            Schedule.Metadata.Annotations[V1alpha1ClusterBackupSchedule.RunNowAnnotation] = token;
        }

        Bump();
        _wakes.Add(Now);
        return this;
    }

    /// <summary>Finishes a running child now (its status change wakes the schedule).</summary>
    public void Finish(string name, bool succeeded = true)
    {
        _life[name] = (Now, !succeeded);
        Progress();
        _wakes.Add(Now);
    }

    /// <summary>Deletes a child, as a user or its TTL would (the deletion wakes the schedule).</summary>
    public void Delete(string name)
    {
        Children.Remove(name);
        _wakes.Add(Now);
    }

    /// <summary>One pass at the current time, applied in the controller's order.</summary>
    public ScheduleDecision Pass(PassFault fault) => Pass(_ => fault);

    public ScheduleDecision Pass() => Pass(Faults);

    private ScheduleDecision Pass(Func<ScheduleDecision, PassFault> faults)
    {
        Progress();
        var now = Now;
        var stored = RoundTrip(Schedule);
        var children = Children.Values.Select(c => ScheduleChild.From(SettledBackups.AsCached(RoundTrip(c)))).ToList();
        var decision = ScheduleReconciler.Decide(stored, children, now, MaxActiveChildren);
        Decisions.Add((now, decision));
        var fault = faults(decision);

        var alreadyExisted = false;
        if (decision.Create is { } request)
        {
            if (fault == PassFault.RefuseCreate)
            {
                Events.Add(new SimEvent(now, new ScheduleEvent(true, ScheduleEvent.BackupNotCreated, "refused")));
                _wakes.Add(now + Retry);
                return decision;
            }

            var child = request.ToResource(stored);
            if (Children.ContainsKey(child.Metadata.Name))
            {
                alreadyExisted = true;
            }
            else
            {
                child.Metadata.CreationTimestamp = Whole(now).UtcDateTime;
                child.Metadata.Uid = $"child-uid-{++_uids}";
                child.Metadata.Generation = 1;
                child.Metadata.ResourceVersion = "1";
                Children[child.Metadata.Name] = child;
                var created = new CreatedChild(now, RoundTrip(child));
                Created.Add(created);
                _life[child.Metadata.Name] = (Runs(created) is { } run ? now + run : null, Fails(created));
                _wakes.Add(now + Echo);
            }
        }

        if (fault == PassFault.LoseStatusWrite)
        {
            _wakes.Add(now + Restart);
            return decision;
        }

        if (!SameStatus(Schedule.Status, decision.Status))
        {
            Schedule.Status = RoundTrip(decision.Status);
            Bump();
            StatusWrites++;
            _wakes.Add(now + Echo);
        }

        foreach (var e in decision.Events)
        {
            if (!(alreadyExisted && e.Reason == ScheduleEvent.Scheduled))
            {
                Events.Add(new SimEvent(now, e));
            }
        }

        foreach (var name in decision.Prune)
        {
            if (Children.Remove(name))
            {
                Pruned.Add(name);
            }
        }

        if (decision.RequeueAfter is { } after)
        {
            _wakes.Add(now + after);
        }

        return decision;
    }

    /// <summary>Children finish at their time and are deleted at their TTL; each change wakes the schedule.</summary>
    private void Progress()
    {
        var now = Now;
        foreach (var (name, child) in Children.ToList())
        {
            if (_life.TryGetValue(name, out var life) && life.FinishAt is { } finish && finish <= now && child.Status?.IsDone != true)
            {
                child.Status = new ClusterBackupNowStatus
                {
                    Phase = life.Fails ? BackupPhase.Failed : BackupPhase.Succeeded,
                    CompletedAt = Whole(finish).UtcDateTime,
                    ObservedGeneration = child.Metadata.Generation,
                    TaskIds = [100 + _uids],
                };
                child.Metadata.ResourceVersion = "2";
            }

            if (TtlAfterFinished is { } ttl && child.Status?.CompletedAt is { } completed
                && new DateTimeOffset(completed, TimeSpan.Zero) + ttl <= now)
            {
                Children.Remove(name);
                ExpiredByTtl.Add(name);
            }
        }
    }

    private DateTimeOffset? NextWake()
    {
        var now = Now;
        var candidates = new List<DateTimeOffset>(_wakes);
        foreach (var (name, child) in Children)
        {
            if (child.Status?.IsDone != true && _life.TryGetValue(name, out var life) && life.FinishAt is { } finish)
            {
                candidates.Add(finish > now ? finish : now);
            }

            if (TtlAfterFinished is { } ttl && child.Status?.CompletedAt is { } completed)
            {
                var expires = new DateTimeOffset(completed, TimeSpan.Zero) + ttl;
                candidates.Add(expires > now ? expires : now);
            }
        }

        if (Resync is { } period)
        {
            var periods = (long)Math.Floor((now - _start) / period) + 1;
            candidates.Add(_start + (period * periods));
        }

        return candidates.Count == 0 ? null : candidates.Min();
    }

    private void Bump() =>
        Schedule.Metadata.ResourceVersion = (long.Parse(Schedule.Metadata.ResourceVersion, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>What the controller compares before it writes.</summary>
    private static bool SameStatus(ClusterBackupScheduleStatus? stored, ClusterBackupScheduleStatus next) =>
        stored is not null && JsonSerializer.SerializeToUtf8Bytes(stored).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(next));

    /// <summary>Through the API server's JSON, so nothing is shared with what the reconciler returned.</summary>
    private static T RoundTrip<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));

    /// <summary>The API server keeps whole seconds of creationTimestamp.</summary>
    private static DateTimeOffset Whole(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}

/// <summary>The slots a schedule's crons fire in a window, straight from Cronos: the oracle for the simulations.</summary>
internal static class ExpectedSlots
{
    public static IReadOnlyList<Slot> Between(ClusterBackupScheduleSpec spec, DateTimeOffset from, DateTimeOffset to)
    {
        Assert.True(CronSchedule.TryParse(spec, out var cron, out var error), error?.Message);
        var full = cron.Full.GetOccurrences(from, to, cron.Zone, fromInclusive: false, toInclusive: true).ToHashSet();
        var incremental = cron.Incremental?.GetOccurrences(from, to, cron.Zone, fromInclusive: false, toInclusive: true) ?? [];
        return full.Union(incremental).Order()
            .Select(t => new Slot(t, full.Contains(t) ? OcpValues.FullBackup : OcpValues.IncrementalBackup))
            .ToList();
    }
}
