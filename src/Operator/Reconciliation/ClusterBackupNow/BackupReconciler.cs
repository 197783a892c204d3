using System.Text.Json;
using System.Text.RegularExpressions;
using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The decision for one ClusterBackupNow: from (resource, peers on the same cluster, OCP's answers,
/// clock) to the status to write, when to look again and what to tell. Exactly-once rests on three
/// rules: the intent (requestId) is written before any POST; a resource with an intent looks for
/// the task an earlier POST may have created before it sends again; a terminal resource never sends.
/// </summary>
public sealed partial class BackupReconciler(
    IOcpConnector connector, TimeProvider time, IOptions<ReconcileOptions> options, SubmissionJournal? journal = null,
    IOptions<OcpOptions>? ocpOptions = null)
{
    private readonly ReconcileOptions _options = options.Value;
    private readonly SubmissionJournal _journal = journal ?? new SubmissionJournal();
    private readonly TimeZoneInfo _ocpZone = ocpOptions?.Value.Zone() ?? TimeZoneInfo.Utc;
    private readonly Regex _backupTaskName = new(options.Value.BackupTaskNamePattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public async Task<ReconcileDecision> ReconcileAsync(
        V1alpha1ClusterBackupNow resource,
        ClusterPeers clusterPeers,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // The status as read, serialized once: the working copy is made from it, and the decision compared with it.
        var read = resource.Status is null ? null : JsonSerializer.SerializeToUtf8Bytes(resource.Status, Json.ClusterBackupNowStatus);
        var step = new Step(resource, read, read is null ? new ClusterBackupNowStatus() : JsonSerializer.Deserialize(read, Json.ClusterBackupNowStatus)!, now);
        if (step.Status is { Phase: BackupPhase.Failed, Reason: "InvalidSpec" } && step.Generation > step.Status.ObservedGeneration)
        {
            // Nothing is ever sent for an invalid spec, so a corrected spec is simply a new request.
            step = new Step(resource, read, new ClusterBackupNowStatus(), now);
            step.Events.Add(BackupEvent.Normal("SpecCorrected", $"spec changed (generation {step.Generation}) after it was refused as invalid: checking it again"));
        }

        if (step.Status.TaskIds is { Count: > 0 } recorded)
        {
            // Whatever happens to this resource later (even its deletion), its tasks are never adopted by another.
            _journal.Claim(OcpCluster.RecordedBy(resource), recorded, now, resource.Metadata.Uid);
        }

        NoteSpecChange(step);
        if (step.Status.IsDone)
        {
            if (!step.Status.HasOutcomeConditions())
            {
                // Finished by an older operator, whose Complete was True on failure too: `kubectl wait` must not read it so.
                step.Status.RecordOutcomeConditions(now, step.Generation);
            }

            return Expire(step);
        }

        if (step.Status.TaskIds is { Count: > 0 })
        {
            return await FollowAsync(step, cancellationToken);
        }

        return step.Status.RequestId is null
            ? await PrepareAsync(step, clusterPeers, cancellationToken)
            : await SubmitAsync(step, clusterPeers, cancellationToken);
    }

    /// <summary>Pending: check the spec, wait for a busy cluster and for the connection, then record the intent.</summary>
    private async Task<ReconcileDecision> PrepareAsync(Step step, ClusterPeers peers, CancellationToken ct)
    {
        var s = step.Status;
        var errors = SpecValidator.Validate(step.Spec);
        if (errors.Count > 0)
        {
            var message = "invalid spec: " + string.Join("; ", errors);
            s.SetFailed("InvalidSpec", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("InvalidSpec", message));
        }

        try
        {
            // Before anything is sent, even the high-water-mark read: a connection or Secret this
            // namespace may not use is never touched on its behalf.
            await connector.AuthorizeAsync(step.Target, null, ct);
        }
        catch (OcpAccessDeniedException e)
        {
            s.SetFailed("NotAllowed", e.Message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("NotAllowed", e.Message));
        }
        catch (OcpConfigurationException e)
        {
            return step.Pending(e.Reason, e.Message, _options.BusyRecheckInterval, warn: true);
        }

        OcpSession session;
        try
        {
            session = await connector.ConnectAsync(step.Target, null, ct);
            await connector.GetStorageAccessKeyAsync(step.Target, ct);
        }
        catch (OcpConfigurationException e)
        {
            return step.Pending(e.Reason, e.Message, _options.BusyRecheckInterval, warn: true);
        }

        var cluster = new OcpCluster(session.Target.Endpoint, step.Spec.ClusterId);
        if (peers.OcpEndpoint != cluster.Endpoint)
        {
            // The peers (and the lock held) are another OCP's: the connection's url changed since they
            // were gathered. Nothing is recorded; the next reconcile gathers this OCP's.
            return step.Finish(_options.RetryInterval);
        }

        var busy = peers.Objects.FirstOrDefault(p => p.Metadata.Uid != step.Resource.Metadata.Uid
            && p.TargetClusterId == cluster.ClusterId && IsActive(p.Status)
            && (p.RecordedOcpEndpoint is null || p.RecordedOcpEndpoint == cluster.Endpoint));
        if (busy is not null)
        {
            var message = $"waiting: {busy.Metadata.NamespaceProperty}/{busy.Metadata.Name} is {busy.Status!.Phase} on {cluster}";
            return step.Pending("ClusterBusy", message, _options.BusyRecheckInterval, warn: false);
        }

        long highWaterMark;
        List<long> recentTaskIds;
        try
        {
            // Recorded with the intent: a task above the mark, or in the reorder window below it and not
            // among the recent ids, is the only kind this backup's POST can have created.
            (highWaterMark, recentTaskIds) = await TaskSearch.HighWaterMarkAsync(session.Api, cluster.ClusterId, _options.MaxTaskListPages, _options.TaskIdReorderWindow, ct);
        }
        catch (OcpApiException e) when (e.Kind == OcpFailureKind.Rejected)
        {
            // OCP refused the read (wrong credentials, no permission, throttled): nothing was sent,
            // so a refusal is reported as final exactly as a refused backupNow would be.
            return Refused(step, e, sentBefore: false);
        }
        catch (OcpApiException e)
        {
            return Unreachable(step, e, "cannot read OCP's newest task of the cluster before submitting");
        }

        // OCP answered: an outage that left this backup Unknown is over, whatever its answer to the POST.
        s.SetOcpAnswered(step.Now, step.Generation);

        var requestId = Guid.NewGuid().ToString("N");
        _journal.IntentRecorded(requestId, step.Now);
        // After a busy refusal the spec submitted first is submitted again, never a later edit.
        s.SetSubmitting(requestId, s.SubmittedGeneration ?? step.Generation, step.Now, CloneSpec(step.Spec), highWaterMark,
            session.Target.Endpoint, session.Target.ConnectionUid, recentTaskIds);
        return step.Finish(TimeSpan.Zero);
    }

    /// <summary>A finished backup with ttlSecondsAfterFinished: wait for its time, then ask for its deletion.</summary>
    private static ReconcileDecision Expire(Step step)
    {
        if (step.Resource.Spec.TtlSecondsAfterFinished is not { } ttl || step.Status.CompletedAt is not { } completed)
        {
            return step.Finish(null);
        }

        var due = completed.AddSeconds(ttl);
        return step.Now < due
            ? step.Finish(due - step.Now)
            : step.Finish(null, BackupEvent.Normal("Expired", $"finished {ttl} s ago (ttlSecondsAfterFinished): deleting this resource; the backup in OCP is kept")) with { DeleteResource = true };
    }

    /// <summary>A backup is active on its cluster once it has an intent, until it is terminal.</summary>
    internal static bool IsActive(ClusterBackupNowStatus? s) =>
        s is not null && !s.IsDone && (s.RequestId is not null || s.TaskIds is { Count: > 0 });

    private void NoteSpecChange(Step step)
    {
        var s = step.Status;
        if (s.SubmittedGeneration is { } submitted && step.Generation is { } current && current != submitted
            && !s.IsConditionTrue(ConditionTypes.SpecChangeIgnored))
        {
            var message = $"spec changed (generation {current}) after generation {submitted} was submitted; a started backup cannot change: create a new ClusterBackupNow to run another";
            s.SetCondition(ConditionTypes.SpecChangeIgnored, true, "ImmutableAfterSubmission", message, step.Now, step.Generation);
            step.Events.Add(BackupEvent.Warn("SpecChangeIgnored", message));
        }
    }

    private TimeSpan RetryDelay(DateTime? since, DateTime now)
    {
        var elapsed = since is null ? TimeSpan.Zero : now - since.Value;
        var delay = TimeSpan.FromTicks(Math.Max(_options.RetryInterval.Ticks, elapsed.Ticks / 2));
        return delay > _options.MaxRetryInterval ? _options.MaxRetryInterval : delay;
    }

    private static ClusterBackupNowSpec CloneSpec(ClusterBackupNowSpec spec) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(spec, Json.ClusterBackupNowSpec), Json.ClusterBackupNowSpec)!;

    private static EntityJsonContext Json => EntityJsonContext.Default;

    /// <summary>
    /// One reconcile's working state: the copy of the status being changed and the events to record;
    /// <paramref name="read"/> is the status as read, serialized (null: it had none).
    /// </summary>
    private sealed class Step(V1alpha1ClusterBackupNow resource, byte[]? read, ClusterBackupNowStatus status, DateTime now)
    {
        public V1alpha1ClusterBackupNow Resource { get; } = resource;
        public ClusterBackupNowStatus Status { get; } = status;
        public DateTime Now { get; } = now;
        public long? Generation => Resource.Metadata.Generation;
        public List<BackupEvent> Events { get; } = [];

        /// <summary>The spec this step acts on: the submitted one once an intent exists, never a later edit.</summary>
        public ClusterBackupNowSpec Spec => Status.SubmittedSpec ?? Resource.Spec;

        /// <summary>The resource as the connector must see it: with the spec this step acts on.</summary>
        public V1alpha1ClusterBackupNow Target => ReferenceEquals(Spec, Resource.Spec)
            ? Resource
            : new V1alpha1ClusterBackupNow { ApiVersion = Resource.ApiVersion, Kind = Resource.Kind, Metadata = Resource.Metadata, Spec = Spec, Status = Resource.Status };

        public ReconcileDecision Finish(TimeSpan? requeueAfter, params BackupEvent[] events)
        {
            Events.AddRange(events);
            Status.ObservedGeneration = Generation;
            foreach (var condition in Status.Conditions ?? [])
            {
                // Every condition holds for this generation too (a later edit is ignored, or not yet submitted);
                // kubectl wait takes a condition observed for an older generation as not met.
                condition.ObservedGeneration = Generation;
            }

            var changed = read is null || !JsonSerializer.SerializeToUtf8Bytes(Status, Json.ClusterBackupNowStatus).AsSpan().SequenceEqual(read);
            return new ReconcileDecision(changed ? Status : null, requeueAfter, Events);
        }

        /// <summary>Pending with a reason; the event is told once per new reason or message, not on every retry.</summary>
        public ReconcileDecision Pending(string reason, string message, TimeSpan requeueAfter, bool warn) =>
            FinishOnce(requeueAfter, warn, s => s.SetPending(reason, message));

        /// <summary>
        /// Applies a transition that sets the reason and message, and tells it as an event (its reason,
        /// its message) only when one of them is new: a retry that meets the same state says nothing.
        /// </summary>
        public ReconcileDecision FinishOnce(TimeSpan? requeueAfter, bool warn, Action<ClusterBackupNowStatus> transition)
        {
            var (reason, message) = (Status.Reason, Status.Message);
            transition(Status);
            return Status.Reason != reason || Status.Message != message
                ? Finish(requeueAfter, new BackupEvent(warn, Status.Reason ?? "", Status.Message ?? ""))
                : Finish(requeueAfter);
        }
    }
}
