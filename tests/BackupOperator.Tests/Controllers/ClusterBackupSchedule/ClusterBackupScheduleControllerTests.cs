using System.Net;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupSchedule;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using BackupOperator.Operator.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static BackupOperator.Tests.Reconciliation.ClusterBackupSchedule.Schedules;

namespace BackupOperator.Tests.Controllers.ClusterBackupSchedule;

/// <summary>The I/O around the schedule's decision: what is created (and owned), written, told and deleted, in that order.</summary>
public sealed class ClusterBackupScheduleControllerTests
{
    private const string Name = "nightly";
    private const string Uid = "schedule-uid-1";
    private static readonly NamespacedName Key = new("db", Name);
    private static readonly DateTimeOffset Slot = Utc(2026, 5, 1, 2);

    private readonly FakeTimeProvider _time = new(Slot + TimeSpan.FromMilliseconds(5));
    private readonly ResourceCache<V1alpha1ClusterBackupSchedule> _cache = new();
    private readonly ResourceCache<V1alpha1ClusterBackupNow> _backups = new();
    private readonly List<string> _log = [];
    private readonly Creator _creator;
    private readonly Deleter _deleter;
    private readonly StatusWrites _writes;
    private readonly RecordedEvents _events;
    private readonly Metrics _metrics = new();

    public ClusterBackupScheduleControllerTests()
    {
        _creator = new Creator(_log, _time);
        _deleter = new Deleter(_log);
        _writes = new StatusWrites(_log);
        _events = new RecordedEvents(_log);

        // The owner index, as the runtime adds it for Owns<ClusterBackupNow>().
        new OwnedKindWatch<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>(new InformerSet<V1alpha1ClusterBackupNow>([]), _backups).Start(_ => { });
    }

    [Fact]
    public async Task A_due_slots_child_is_created_owned_by_the_schedule_written_through_then_the_status_then_the_event()
    {
        var outcome = await Controller().ReconcileAsync(Schedule(), CancellationToken.None);

        var child = Assert.Single(_creator.Created);
        Assert.Equal(ChildNames.ForSlot(Name, Slot), child.Metadata.Name);
        Assert.Equal(OcpValues.FullBackup, child.Spec.DataBackupMode);
        Assert.Equal("2026-05-01T02:00:00Z", child.Metadata.Annotations[V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation]);
        var owner = Assert.Single(child.Metadata.OwnerReferences);
        Assert.Equal(("ocp.oceanbase.com/v1alpha1", "ClusterBackupSchedule", Name, Uid, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Null(owner.BlockOwnerDeletion);

        // Written through: the next pass sees it before its watch event arrives.
        Assert.Equal(child.Metadata.Name, Assert.Single(Owners.ListOwned<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>(_backups, Schedule())).Metadata.Name);

        var status = Assert.Single(_writes.Written);
        Assert.Equal(Slot.UtcDateTime, status.LastScheduleTime);
        Assert.Equal([child.Metadata.Name], status.Active);
        Assert.True(_cache.TryGet(Key, out var cached) && cached!.Status!.LastScheduleTime == Slot.UtcDateTime);
        var told = Assert.Single(_events.Recorded);
        Assert.Equal((false, ScheduleEvent.Scheduled), (told.Warning, told.Reason));
        Assert.Equal([$"create {child.Metadata.Name}", "status", "event Scheduled"], _log);
        Assert.Equal(Slot.UtcDateTime, Assert.Single(_metrics.Observed).Status!.LastScheduleTime);
        Assert.Equal(ScheduleReconciler.MaxWait, outcome.RequeueAfter); // the next slot is an hour away
    }

    [Fact]
    public async Task A_second_pass_with_nothing_due_creates_writes_and_tells_nothing()
    {
        var controller = Controller();
        await controller.ReconcileAsync(Schedule(), CancellationToken.None);
        _cache.TryGet(Key, out var written);
        _log.Clear();

        _time.Advance(TimeSpan.FromSeconds(30));
        var outcome = await controller.ReconcileAsync(written!, CancellationToken.None);

        Assert.Empty(_log);
        Assert.Single(_creator.Created);
        Assert.Single(_writes.Written);
        Assert.Equal(ScheduleReconciler.MaxWait, outcome.RequeueAfter);
    }

    [Theory]
    [InlineData("a condition's message")]
    [InlineData("a name in the active list")]
    public async Task A_stored_status_that_differs_from_the_decision_only_deep_inside_is_written(string where)
    {
        var controller = Controller();
        await controller.ReconcileAsync(Schedule(), CancellationToken.None);
        _cache.TryGet(Key, out var written);
        var stale = KubernetesJson.Deserialize<V1alpha1ClusterBackupSchedule>(KubernetesJson.Serialize(written));
        if (where == "a condition's message")
        {
            stale.Status!.Condition(ClusterBackupScheduleStatusTransitions.Ready)!.Message = "an older message";
        }
        else
        {
            stale.Status!.Active![0] = "nightly-20260501010000";
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        await controller.ReconcileAsync(stale, CancellationToken.None);

        Assert.Equal(2, _writes.Written.Count);
        Assert.True(StatusEquality.Same(written!.Status, _writes.Written[^1]));
        Assert.Single(_creator.Created);
    }

    [Fact]
    public async Task A_child_of_its_own_that_already_exists_is_not_told_again_and_the_slot_is_still_recorded()
    {
        // Created by a pass whose status write was lost, and not yet in the cache.
        _creator.Stored[ChildNames.ForSlot(Name, Slot)] = Child(ChildNames.ForSlot(Name, Slot), Uid, phase: null, Slot);

        await Controller().ReconcileAsync(Schedule(), CancellationToken.None);

        var status = Assert.Single(_writes.Written);
        Assert.Equal(Slot.UtcDateTime, status.LastScheduleTime);
        Assert.Equal([ChildNames.ForSlot(Name, Slot)], status.Active);
        Assert.Null(status.SkippedSlots);
        Assert.DoesNotContain(_events.Recorded, e => e.Reason == ScheduleEvent.Scheduled);
        Assert.Empty(_creator.Created);
        Assert.Single(Owners.ListOwned<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>(_backups, Schedule()));
    }

    [Theory]
    [InlineData("no owner")]
    [InlineData("a deleted schedule of the same name")]
    [InlineData("an owner that is not the controller")]
    public async Task An_object_with_the_slots_name_that_the_schedule_does_not_control_is_never_its_backup(string who)
    {
        var name = ChildNames.ForSlot(Name, Slot);
        var other = Child(name, who == "a deleted schedule of the same name" ? "old-uid" : who == "no owner" ? null : Uid, BackupPhase.Succeeded, Slot);
        if (who == "an owner that is not the controller")
        {
            other.Metadata.OwnerReferences[0].Controller = false;
        }

        _creator.Stored[name] = other; // created by someone else just now: not in the cache yet

        await Controller().ReconcileAsync(Schedule(), CancellationToken.None);

        var status = Assert.Single(_writes.Written);
        Assert.Equal(Slot.UtcDateTime, status.LastScheduleTime); // the slot is handled, not retried
        Assert.Equal(1, status.SkippedSlots);
        Assert.Null(status.Active);
        Assert.NotEqual(name, status.LastBackup?.Name);
        Assert.True(status.IsReady());
        var condition = status.Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!;
        Assert.Equal(("True", ClusterBackupScheduleStatusTransitions.NameTaken), (condition.Status, condition.Reason));
        Assert.Contains(name, condition.Message, StringComparison.Ordinal);
        var told = Assert.Single(_events.Recorded);
        Assert.Equal((true, ScheduleEvent.BackupNotCreated), (told.Warning, told.Reason));
        Assert.StartsWith("NameTaken: ", told.Note, StringComparison.Ordinal);
        Assert.Empty(_creator.Created);
        Assert.Empty(_deleter.Deleted);
    }

    [Fact]
    public async Task An_object_in_the_cache_with_the_slots_name_that_another_controls_is_not_even_tried()
    {
        var name = ChildNames.ForSlot(Name, Slot);
        _backups.Upsert(Child(name, "old-uid", phase: null, Slot));

        await Controller().ReconcileAsync(Schedule(), CancellationToken.None);

        Assert.DoesNotContain(_log, l => l.StartsWith("create", StringComparison.Ordinal));
        Assert.Equal(1, Assert.Single(_writes.Written).SkippedSlots);
        Assert.Equal(["status", "event BackupNotCreated"], _log);
    }

    [Fact]
    public async Task A_run_now_tokens_taken_name_serves_the_token_and_reports_it_and_the_next_slot_runs()
    {
        var schedule = Schedule();
        schedule.Status!.LastScheduleTime = Slot.UtcDateTime; // nothing due
        schedule.Metadata.Annotations = new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.RunNowAnnotation] = "drill" };
        _creator.Stored[ChildNames.ForRunNow(Name, "drill")] = Child(ChildNames.ForRunNow(Name, "drill"), ownerUid: null, phase: null, Slot);

        await Controller().ReconcileAsync(schedule, CancellationToken.None);

        var status = Assert.Single(_writes.Written);
        Assert.True(status.HasServed("drill"));
        Assert.Equal(ClusterBackupScheduleStatusTransitions.NameTaken, status.Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!.Reason);
        Assert.Empty(_creator.Created);

        // The next slot's child is created, and the condition says so.
        _cache.TryGet(Key, out var written);
        _time.Advance(TimeSpan.FromHours(1));
        await Controller().ReconcileAsync(written!, CancellationToken.None);

        Assert.Single(_creator.Created);
        var after = _writes.Written[^1].Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!;
        Assert.Equal(("False", ClusterBackupScheduleStatusTransitions.Created), (after.Status, after.Reason));
    }

    [Fact]
    public async Task A_refused_child_is_a_warning_the_status_says_not_Ready_keeps_the_slot_unhandled_and_the_pass_fails_to_be_retried()
    {
        _creator.Refusal = new ResourceNotCreatedException("ClusterBackupNow db/nightly-20260501020000 was not created: 403 forbidden", HttpStatusCode.Forbidden, new InvalidOperationException());
        var schedule = Schedule();
        schedule.Status!.SetValid(false, "next FULL at ...", Slot.UtcDateTime.AddHours(-1), 1);

        await Assert.ThrowsAsync<ResourceNotCreatedException>(() => Controller().ReconcileAsync(schedule, CancellationToken.None));

        var told = Assert.Single(_events.Recorded);
        Assert.Equal((true, ScheduleEvent.BackupNotCreated), (told.Warning, told.Reason));
        Assert.Contains("403 forbidden", told.Note, StringComparison.Ordinal);
        var status = Assert.Single(_writes.Written);
        Assert.False(status.IsReady());
        Assert.Equal(ClusterBackupScheduleStatusTransitions.CreateRefused, status.Condition(ClusterBackupScheduleStatusTransitions.Ready)!.Reason);
        Assert.Contains("403 forbidden", status.Condition(ClusterBackupScheduleStatusTransitions.Ready)!.Message, StringComparison.Ordinal);
        Assert.Equal(("True", ClusterBackupScheduleStatusTransitions.CreateRefused),
            (status.Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!.Status, status.Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!.Reason));
        Assert.Equal(Utc(2026, 5, 1, 1).UtcDateTime, status.LastScheduleTime); // the slot is still due
        Assert.Null(status.SkippedSlots);
        Assert.Empty(_backups.List());

        // Once the API server takes it, the slot's child is created and the schedule is Ready again.
        _creator.Refusal = null;
        _cache.TryGet(Key, out var written);
        await Controller().ReconcileAsync(written!, CancellationToken.None);

        Assert.Single(_creator.Created);
        Assert.True(_writes.Written[^1].IsReady());
        Assert.Equal("False", _writes.Written[^1].Condition(ClusterBackupScheduleStatusTransitions.BackupNotCreated)!.Status);
        Assert.Equal(Slot.UtcDateTime, _writes.Written[^1].LastScheduleTime);
    }

    [Fact]
    public async Task A_refusal_that_outlasts_its_slot_counts_that_slot_missed_says_why_and_runs_the_next_one()
    {
        // 02:00 is refused (a 403 while the API server's RBAC caches fill, a revoked role) until 03:00 is due.
        _creator.Refusal = new ResourceNotCreatedException("ClusterBackupNow db/nightly-20260501020000 was not created: 403 forbidden", HttpStatusCode.Forbidden, new InvalidOperationException());
        await Assert.ThrowsAsync<ResourceNotCreatedException>(() => Controller().ReconcileAsync(Schedule(), CancellationToken.None));
        _cache.TryGet(Key, out var refused);

        _creator.Refusal = null;
        _time.Advance(TimeSpan.FromHours(1));
        await Controller().ReconcileAsync(refused!, CancellationToken.None);

        // Not lost without a word: the refused slot is counted missed, the event says a refusal can be why, and 03:00 runs.
        var child = Assert.Single(_creator.Created);
        Assert.Equal(ChildNames.ForSlot(Name, Slot.AddHours(1)), child.Metadata.Name);
        var status = _writes.Written[^1];
        Assert.Equal(1, status.MissedSlots);
        Assert.Equal(Slot.AddHours(1).UtcDateTime, status.LastScheduleTime);
        var missed = Assert.Single(_events.Recorded, e => e.Reason == ScheduleEvent.MissedSchedule);
        Assert.True(missed.Warning);
        Assert.Contains("could not be created", missed.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedule_named_with_253_characters_creates_children_with_valid_names_and_a_shortened_label()
    {
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + ".b";
        var schedule = Schedule();
        schedule.Metadata.Name = longName;

        await Controller().ReconcileAsync(schedule, CancellationToken.None);

        var child = Assert.Single(_creator.Created);
        Assert.Equal(ChildNames.ForSlot(longName, Slot), child.Metadata.Name);
        var label = child.Metadata.Labels[V1alpha1ClusterBackupSchedule.ScheduleLabel];
        Assert.Equal(ChildNames.LabelValue(longName), label);
        Assert.True(label.Length <= 63);
        Assert.True(Assert.Single(_writes.Written).IsReady());
    }

    [Fact]
    public async Task A_status_conflict_looks_again_soon_and_tells_nothing_and_a_deleted_schedule_is_dropped()
    {
        _writes.Failure = new StatusConflictException("conflict", new InvalidOperationException());
        var conflict = await Controller().ReconcileAsync(Schedule(), CancellationToken.None);

        Assert.Single(_creator.Created); // the child exists: the next pass finds it by name and records its slot
        Assert.True(conflict.RequeueAfter < TimeSpan.FromSeconds(1));
        Assert.Empty(_events.Recorded);

        _writes.Failure = new ResourceGoneException("gone", new InvalidOperationException());
        var gone = await Controller().ReconcileAsync(Schedule(), CancellationToken.None);

        Assert.Null(gone.RequeueAfter);
        Assert.Empty(_events.Recorded);
    }

    [Fact]
    public async Task After_a_lost_status_write_the_next_pass_records_the_slot_without_a_second_child()
    {
        _writes.Failure = new StatusConflictException("conflict", new InvalidOperationException());
        var controller = Controller();
        await controller.ReconcileAsync(Schedule(), CancellationToken.None);
        _writes.Failure = null;

        _time.Advance(TimeSpan.FromMilliseconds(200));
        await controller.ReconcileAsync(Schedule(), CancellationToken.None);

        Assert.Single(_creator.Created);
        Assert.Equal(Slot.UtcDateTime, Assert.Single(_writes.Written).LastScheduleTime);
    }

    [Fact]
    public async Task Children_of_another_owner_are_neither_active_nor_pruned()
    {
        // A schedule of the same name deleted and created again: its predecessor's children are not this one's.
        _backups.Upsert(Child("nightly-20260501010000", "old-uid", phase: null, Utc(2026, 5, 1, 1)));
        _backups.Upsert(Child("nightly-20260501000000", "old-uid", BackupPhase.Succeeded, Utc(2026, 5, 1, 0)));
        var labelledOnly = Child("nightly-20260430230000", ownerUid: null, BackupPhase.Succeeded, Utc(2026, 4, 30, 23));
        labelledOnly.Metadata.Labels = new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.ScheduleLabel] = Name };
        _backups.Upsert(labelledOnly);
        var schedule = Schedule(s => s.SuccessfulBackupsHistoryLimit = 0);

        await Controller().ReconcileAsync(schedule, CancellationToken.None);

        Assert.Single(_creator.Created); // not skipped by Forbid
        Assert.Equal([ChildNames.ForSlot(Name, Slot)], Assert.Single(_writes.Written).Active);
        Assert.Empty(_deleter.Deleted);
    }

    [Fact]
    public async Task Finished_children_beyond_the_history_limit_are_deleted_last()
    {
        _backups.Upsert(Child("nightly-20260430230000", Uid, BackupPhase.Succeeded, Utc(2026, 4, 30, 23)));
        _backups.Upsert(Child("nightly-20260501000000", Uid, BackupPhase.Succeeded, Utc(2026, 5, 1, 0)));
        _backups.Upsert(Child("nightly-20260501010000", Uid, BackupPhase.Succeeded, Utc(2026, 5, 1, 1)));

        await Controller().ReconcileAsync(Schedule(s => s.SuccessfulBackupsHistoryLimit = 1), CancellationToken.None);

        Assert.Equal(["nightly-20260501000000", "nightly-20260430230000"], _deleter.Deleted.Select(d => d.Metadata.Name));
        Assert.Equal(Uid, _deleter.Deleted[0].Metadata.OwnerReferences[0].Uid);
        Assert.Equal(["create nightly-20260501020000", "status", "event Scheduled", "delete nightly-20260501000000", "delete nightly-20260430230000"], _log);
    }

    [Fact]
    public async Task A_deleted_schedule_is_dropped_from_the_metrics()
    {
        await Controller().DeletedAsync(Key, CancellationToken.None);

        Assert.Equal([Key], _metrics.Deleted);
        Assert.Empty(_log);
    }

    private ClusterBackupScheduleController Controller(int maxActiveChildren = 10) =>
        new(_cache, _backups, _creator, _creator, _deleter, _writes, _events, _metrics,
            Options.Create(new ScheduleOptions { MaxActiveChildren = maxActiveChildren }), _time, NullLogger<ClusterBackupScheduleController>.Instance);

    /// <summary>Nightly FULL and hourly INCREMENTAL, last handled slot 01:00: 02:00 is due.</summary>
    private static V1alpha1ClusterBackupSchedule Schedule(Action<ClusterBackupScheduleSpec>? with = null)
    {
        var spec = new ClusterBackupScheduleSpec
        {
            Schedule = "0 2 * * *",
            IncrementalSchedule = "0 * * * *",
            BackupTemplate = new BackupTemplate { Spec = new BackupTemplateSpec { ClusterId = 42, OcpConnectionRef = new OcpConnectionReference { Name = "main" } } },
        };
        with?.Invoke(spec);
        return new V1alpha1ClusterBackupSchedule
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                NamespaceProperty = "db",
                Uid = Uid,
                Generation = 1,
                ResourceVersion = "10",
                CreationTimestamp = Utc(2026, 4, 30, 0).UtcDateTime,
            },
            Spec = spec,
            Status = new ClusterBackupScheduleStatus
            {
                LastScheduleTime = Utc(2026, 5, 1, 1).UtcDateTime,
                ObservedSchedule = ObservedSchedule.Of(spec),
            },
        };
    }

    private static V1alpha1ClusterBackupNow Child(string name, string? ownerUid, string? phase, DateTimeOffset slot) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "db",
            Uid = "uid-" + name,
            ResourceVersion = "5",
            CreationTimestamp = slot.UtcDateTime,
            Annotations = new Dictionary<string, string> { [V1alpha1ClusterBackupSchedule.ScheduledAtAnnotation] = ChildNames.ScheduledAt(slot) },
            OwnerReferences = ownerUid is null
                ? null
                : [new V1OwnerReference { ApiVersion = "ocp.oceanbase.com/v1alpha1", Kind = "ClusterBackupSchedule", Name = Name, Uid = ownerUid, Controller = true }],
        },
        Spec = new ClusterBackupNowSpec { ClusterId = 42, DataBackupMode = OcpValues.IncrementalBackup },
        Status = phase is null ? null : new ClusterBackupNowStatus { Phase = phase, CompletedAt = slot.UtcDateTime.AddMinutes(10) },
    };

    /// <summary>The API server's ClusterBackupNow objects: create (AlreadyExists is null) and read.</summary>
    private sealed class Creator(List<string> log, TimeProvider time) : IResourceCreator<V1alpha1ClusterBackupNow>, IResourceReader<V1alpha1ClusterBackupNow>
    {
        private int _uids;

        public List<V1alpha1ClusterBackupNow> Created { get; } = [];
        public Dictionary<string, V1alpha1ClusterBackupNow> Stored { get; } = [];
        public ResourceNotCreatedException? Refusal { get; set; }

        public Task<V1alpha1ClusterBackupNow?> CreateAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
        {
            if (Refusal is not null)
            {
                throw Refusal;
            }

            log.Add($"create {resource.Metadata.Name}");
            if (Stored.ContainsKey(resource.Metadata.Name))
            {
                return Task.FromResult<V1alpha1ClusterBackupNow?>(null);
            }

            var stored = KubernetesJson.Deserialize<V1alpha1ClusterBackupNow>(KubernetesJson.Serialize(resource));
            stored.Metadata.Uid = $"child-uid-{++_uids}";
            stored.Metadata.ResourceVersion = "100";
            stored.Metadata.Generation = 1;
            stored.Metadata.CreationTimestamp = time.GetUtcNow().UtcDateTime;
            Created.Add(stored);
            Stored[stored.Metadata.Name] = stored;
            return Task.FromResult<V1alpha1ClusterBackupNow?>(stored);
        }

        public Task<V1alpha1ClusterBackupNow?> ReadAsync(NamespacedName key, CancellationToken cancellationToken) =>
            Task.FromResult(Stored.GetValueOrDefault(key.Name));
    }

    private sealed class Deleter(List<string> log) : IResourceDeleter<V1alpha1ClusterBackupNow>
    {
        public List<V1alpha1ClusterBackupNow> Deleted { get; } = [];

        public Task DeleteAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken)
        {
            log.Add($"delete {resource.Metadata.Name}");
            Deleted.Add(resource);
            return Task.CompletedTask;
        }
    }

    private sealed class StatusWrites(List<string> log) : IStatusWriter<V1alpha1ClusterBackupSchedule, ClusterBackupScheduleStatus>
    {
        public List<ClusterBackupScheduleStatus> Written { get; } = [];
        public Exception? Failure { get; set; }

        public Task<V1alpha1ClusterBackupSchedule> WriteAsync(V1alpha1ClusterBackupSchedule resource, ClusterBackupScheduleStatus status, CancellationToken cancellationToken)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            log.Add("status");
            Written.Add(status);
            var stored = KubernetesJson.Deserialize<V1alpha1ClusterBackupSchedule>(KubernetesJson.Serialize(resource));
            stored.Status = KubernetesJson.Deserialize<ClusterBackupScheduleStatus>(KubernetesJson.Serialize(status));
            stored.Metadata.ResourceVersion = (long.Parse(resource.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) + 1)
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(stored);
        }
    }

    private sealed class RecordedEvents(List<string> log) : IEventRecorder
    {
        public List<ObjectEvent> Recorded { get; } = [];

        public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, ObjectEvent objectEvent, CancellationToken cancellationToken)
        {
            log.Add($"event {objectEvent.Reason}");
            Recorded.Add(objectEvent);
            return Task.CompletedTask;
        }
    }

    private sealed class Metrics : IScheduleMetrics
    {
        public List<(NamespacedName Key, ClusterBackupScheduleStatus? Status)> Observed { get; } = [];
        public List<NamespacedName> Deleted { get; } = [];

        public void ScheduleObserved(NamespacedName schedule, ClusterBackupScheduleStatus? status) => Observed.Add((schedule, status));

        public void ScheduleDeleted(NamespacedName schedule) => Deleted.Add(schedule);
    }
}
