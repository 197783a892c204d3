using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

public sealed partial class BackupReconciler
{
    private const int TaskListPageSize = 100;

    // OCP refuses a backup of a cluster that is already backing up; its words for that vary.
    private static readonly Regex BusyWords = new(@"in[ _-]?progress|busy|already (running|exists)|is running|concurrent",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// A grant found withdrawn after the intent fails the backup only when it is still withdrawn
    /// <see cref="ReconcileOptions.DenialConfirmation"/> after this process first found it so: an API server
    /// that has just started answers 403 until its RBAC caches are filled. Until then nothing is sent,
    /// nothing is looked up, and the backup says what it waits for.
    /// </summary>
    private ReconcileDecision? UnconfirmedDenial(Step step, string denial)
    {
        var since = _journal.FirstDenied(step.Status.RequestId!, step.Now);
        var until = since + _options.DenialConfirmation;
        if (step.Now >= until)
        {
            return null;
        }

        // Looked at again within the window, not only at its end: one answer that grants (another API
        // server, or this one warmed up) ends the denial; a denial fails the backup only if every look was denied.
        var wait = until - step.Now;
        var message = $"{denial}; nothing is sent: the backup fails NotAllowed unless the grant holds again by {until:u}";
        return step.FinishOnce(wait < _options.RetryInterval ? wait : _options.RetryInterval, warn: true, st => st.SetConfirming("ConfirmingDenial", message)); // Submitting: also after an outage left it Unknown
    }

    /// <summary>Submitting: adopt the task an earlier POST created, or send (again) when there is none.</summary>
    private async Task<ReconcileDecision> SubmitAsync(Step step, ClusterPeers peers, CancellationToken ct)
    {
        var s = step.Status;
        if (s.SubmittedSpec is null && s.SubmittedGeneration is { } submitted && step.Generation is { } current && current != submitted)
        {
            // An intent of an operator that did not record the submitted spec, and the spec has changed
            // since: what was sent is unknown, so nothing is sent and no task is looked up anywhere.
            var unknown = $"spec changed (generation {current}) after generation {submitted} was submitted, and the submitted spec was not recorded: " +
                $"nothing more is sent; check OCP for a backup started since {s.AttemptStartedAt:u}";
            s.SetFailed("SubmittedSpecUnknown", unknown, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("Failed", unknown));
        }

        if (SpecValidator.Validate(step.Spec) is { Count: > 0 } errors)
        {
            // status.submittedSpec is schema-less in the CRD: the API server takes whatever a status writer put
            // there. A spec the operator would never have recorded is not acted on: nothing is sent, looked up or read.
            _journal.Forget(s.RequestId!);
            var invalid = $"the submitted spec recorded in status is not valid ({string.Join("; ", errors)}): nothing more is sent; " +
                $"check OCP for a backup of cluster {step.Spec.ClusterId} started since {s.AttemptStartedAt:u}";
            s.SetFailed("InvalidSubmittedSpec", invalid, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("InvalidSubmittedSpec", invalid));
        }

        var recorded = OcpTarget.RecordedIn(s);
        var mayHaveBeenSent = _journal.MayHaveBeenSent(s.RequestId!);
        string? denial;
        try
        {
            // Grants hold at every send, not only at the intent: checked again, against the connection
            // recorded with the intent, with the Secrets read afresh. Before connecting: a connection
            // deleted and re-created at another url is no longer this backup's, wherever it points.
            await connector.AuthorizeAsync(step.Target, recorded, ct);
            denial = null;
        }
        catch (OcpAccessDeniedException e)
        {
            denial = e.Message;
            if (e.MayPass && UnconfirmedDenial(step, denial) is { } confirming)
            {
                return confirming;
            }
        }
        catch (OcpConfigurationException e)
        {
            return step.FinishOnce(RetryDelay(s.AttemptStartedAt, step.Now), warn: true, st => st.SetWaiting(e.Reason, e.Message));
        }

        if (denial is null)
        {
            _journal.GrantHeld(s.RequestId!);
        }

        if (denial is not null && !mayHaveBeenSent)
        {
            _journal.Forget(s.RequestId!);
            var message = $"{denial}; nothing was sent to OCP";
            s.SetFailed("NotAllowed", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("NotAllowed", message));
        }

        OcpSession session;
        AccessKeyDto? accessKey;
        try
        {
            session = await connector.ConnectAsync(step.Target, recorded, ct);
            accessKey = await connector.GetStorageAccessKeyAsync(step.Target, ct);
        }
        catch (OcpConfigurationException e) when (denial is not null)
        {
            // The grant is withdrawn (confirmed) and the Secret it covered cannot be read to look for the
            // task a lost answer may have started: waiting would hold the cluster for good. Never sent again.
            _journal.Forget(s.RequestId!);
            var message = $"{denial}; not sent again: an earlier attempt's answer was lost and OCP's tasks cannot be read without the Secret ({e.Message}), " +
                $"check OCP ({recorded?.Endpoint ?? "the one it was submitted to"}) for a backup of cluster {step.Spec.ClusterId} started since {s.AttemptStartedAt:u}";
            s.SetFailed("NotAllowed", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("NotAllowed", message));
        }
        catch (OcpConfigurationException e)
        {
            // An intent is kept: a POST may already have been sent with the earlier configuration.
            // Warn once per new message, as a Pending resource does, not on every retry.
            return step.FinishOnce(RetryDelay(s.AttemptStartedAt, step.Now), warn: true, st => st.SetWaiting(e.Reason, e.Message));
        }

        RecordTarget(s, ref recorded, session);
        var cluster = new OcpCluster(recorded.Endpoint, step.Spec.ClusterId);

        if (mayHaveBeenSent)
        {
            TaskAdoption.Finding finding;
            try
            {
                finding = await FindOwnTaskAsync(step, session, cluster, peers, ct);
                // OCP answered: an earlier outage is over, whatever the POST below meets.
                s.SetOcpAnswered(step.Now, step.Generation);
            }
            catch (OcpApiException e)
            {
                // Without the task list there is no proof that no backup was started: never send blind.
                return Unreachable(step, e, "cannot look up OCP's tasks before submitting");
            }

            if (finding.Doubtful is { } doubtful)
            {
                // Never a second POST while a task of the lost one may exist: the user decides.
                _journal.Forget(s.RequestId!);
                var message = $"OCP task {doubtful.Id} '{doubtful.Name}' of {cluster} is numbered at or below the task id recorded with the intent ({s.TaskHighWaterMark}) and was not listed then, " +
                    $"and its create time ({doubtful.CreateTime ?? "none"}) cannot tell whether it came after the attempt ({s.AttemptStartedAt:u}): it may be the backup " +
                    "an earlier attempt started or another one; not sending backupNow again: check it in OCP";
                s.SetFailed("SubmissionAmbiguous", message, step.Now, step.Generation);
                return step.Finish(null, BackupEvent.Warn("Failed", message));
            }

            if (finding.Task is { } adoptable)
            {
                _journal.Forget(s.RequestId!);
                _journal.Claim(cluster, [adoptable.Id], step.Now, step.Resource.Metadata.Uid);
                s.Adopted = true;
                s.Tasks = [TaskMapping.ToState(adoptable)];
                s.SetRunning([adoptable.Id], $"adopted OCP task {adoptable.Id}, started by an earlier attempt whose answer was lost", step.Now, step.Generation);
                return step.Finish(TimeSpan.Zero, BackupEvent.Normal("Adopted",
                    $"found OCP task {adoptable.Id} for {cluster} created by an earlier attempt; not sending backupNow again"));
            }
        }

        // An intent from before a restart: its POST may still be in flight into OCP. Keep looking, send later.
        if (_journal.FirstSeenForeign(s.RequestId!, step.Now) is { } firstSeen && step.Now < firstSeen + _options.RecoveryQuietPeriod)
        {
            var wait = firstSeen + _options.RecoveryQuietPeriod - step.Now;
            var message = $"an earlier attempt may still reach OCP: no task found yet; looking again before sending (at most {_options.RecoveryQuietPeriod.TotalSeconds:0} s)";
            return step.FinishOnce(wait < _options.PollInterval ? wait : _options.PollInterval, warn: false, st => st.SetWaiting("ConfirmingSubmission", message));
        }

        if ((s.SubmitAttempts ?? 0) >= _options.MaxSubmitAttempts)
        {
            var message = $"gave up after {s.SubmitAttempts} backupNow attempts without a confirmed answer, and OCP lists no task created since {s.AttemptStartedAt:u} for {cluster}";
            s.SetFailed("SubmissionUnconfirmed", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("Failed", message));
        }

        if (denial is not null)
        {
            // Never a POST without the grant. An earlier attempt's answer was lost and its task is not listed.
            _journal.Forget(s.RequestId!);
            var message = $"{denial}; not sent again: an earlier attempt's answer was lost and OCP lists no task of it, check OCP for a backup of {cluster} started since {s.AttemptStartedAt:u}";
            s.SetFailed("NotAllowed", message, step.Now, step.Generation);
            return step.Finish(null, BackupEvent.Warn("NotAllowed", message));
        }

        return await SendAsync(step, session.Api, cluster, accessKey, mayHaveBeenSent, ct);
    }

    /// <summary>
    /// An intent or tasks recorded by an operator that did not record the OCP: it is the one the
    /// connection reaches now (what that operator used), recorded from here on.
    /// </summary>
    private static void RecordTarget(ClusterBackupNowStatus s, [NotNull] ref OcpTarget? recorded, OcpSession session)
    {
        if (recorded is null)
        {
            recorded = session.Target;
            s.OcpEndpoint = recorded.Endpoint;
            s.OcpConnectionUid = recorded.ConnectionUid;
        }
    }

    /// <summary>The task this intent's earlier POST created, if OCP lists one: after the high-water mark, by our OCP user, claimed by nobody.</summary>
    private async Task<TaskAdoption.Finding> FindOwnTaskAsync(Step step, OcpSession session, OcpCluster cluster, ClusterPeers peers, CancellationToken ct)
    {
        var s = step.Status;
        var clusterId = cluster.ClusterId;
        var window = new TaskAdoption.Window(s.TaskHighWaterMark, (s.AttemptStartedAt ?? step.Now) - _options.AdoptionClockSkew, _ocpZone,
            s.RecentTaskIds, _options.TaskIdReorderWindow, s.AttemptStartedAt);
        var tasks = await TaskSearch.ReadAsync(session.Api, clusterId, TaskListPageSize, _options.MaxTaskListPages, window.IsBefore, ct);
        // Another OCP's tasks are numbered alike: only peers of this OCP (or of an unrecorded one) claim ids here.
        var claimed = peers.Objects.Where(p => p.Metadata.Uid != step.Resource.Metadata.Uid
                && (p.RecordedOcpEndpoint is null || p.RecordedOcpEndpoint == cluster.Endpoint))
            .SelectMany(p => p.Status?.TaskIds ?? [])
            .Concat(peers.SettledTaskIds)
            .Concat(tasks.Where(t => _journal.IsClaimed(cluster, t.Id, step.Resource.Metadata.Uid)).Select(t => t.Id))
            .ToHashSet();
        return TaskAdoption.Find(tasks, clusterId, window, _backupTaskName, claimed, session.User);
    }

    private async Task<ReconcileDecision> SendAsync(Step step, IOcpApi api, OcpCluster cluster, AccessKeyDto? accessKey, bool sentBefore, CancellationToken ct)
    {
        var s = step.Status;
        var clusterId = cluster.ClusterId;
        OcpResponse<BackupCommonResponse> response;
        _journal.PostAttempted(s.RequestId!);
        try
        {
            response = await api.BackupNowAsync(clusterId, BackupRequestBuilder.Build(step.Spec, accessKey), ct, s.RequestId);
        }
        catch (OcpApiException e) when (e.Kind == OcpFailureKind.Unreachable)
        {
            return Unreachable(step, e, "backupNow was not sent");
        }
        catch (OcpApiException e) when (e.MayHaveActed)
        {
            s.SubmitAttempts = (s.SubmitAttempts ?? 0) + 1;
            var message = $"{e.Message}; the backup may have started: looking for its task before any new attempt";
            s.SetConfirming("SubmissionUnconfirmed", message);
            return step.Finish(_options.SubmissionSettleDelay, BackupEvent.Warn("SubmissionUnconfirmed", message));
        }
        catch (OcpApiException e)
        {
            _journal.Forget(s.RequestId!);
            return Refused(step, e, sentBefore);
        }

        _journal.Forget(s.RequestId!);
        var accepted = Accepted(step, cluster, response, sentBefore);
        return step.Status.Phase == BackupPhase.Running ? await FollowAcceptedAsync(step, api, accepted, ct) : accepted;
    }

    /// <summary>
    /// OCP says the cluster is busy. After a first POST, nothing was started: back to Pending, a new
    /// intent later. After a POST whose answer was lost, the busy cluster may be that POST's backup:
    /// the intent (and its high-water mark) is kept and its task is looked for again.
    /// </summary>
    private ReconcileDecision Busy(Step step, string detail, bool sentBefore)
    {
        var clusterId = step.Spec.ClusterId;
        if (!sentBefore)
        {
            step.Status.ClearIntent();
            return step.Pending("ClusterBusy", $"OCP: a backup of cluster {clusterId} is in progress ({detail}); will submit when it is free",
                _options.BusyRecheckInterval, warn: false);
        }

        var message = $"OCP: a backup of cluster {clusterId} is in progress ({detail}); it may be the one an earlier attempt of this backup started: looking for its task before any new attempt";
        return step.FinishOnce(_options.BusyRecheckInterval, warn: false, s => s.SetConfirming("ConfirmingSubmission", message));
    }

    /// <summary>OCP answered 4xx: nothing was started. A busy cluster waits; anything else is final.</summary>
    private ReconcileDecision Refused(Step step, OcpApiException e, bool sentBefore)
    {
        var s = step.Status;
        s.TraceId = e.TraceId ?? s.TraceId;
        if (e.HttpStatus == 409 || BusyWords.IsMatch(e.Detail) || (e.Code is not null && BusyWords.IsMatch(e.Code)))
        {
            return Busy(step, e.Detail, sentBefore);
        }

        if (e.HttpStatus is 408 or 429)
        {
            s.SetWaiting("OcpThrottled", e.Message);
            return step.Finish(RetryDelay(s.AttemptStartedAt, step.Now));
        }

        var reason = e.HttpStatus switch
        {
            401 or 403 => "OcpAuthenticationFailed",
            404 => "ClusterNotFound",
            _ => "OcpRejected",
        };
        var message = $"OCP refused the backup: {e.Message}";
        s.SetFailed(reason, message, step.Now, step.Generation);
        return step.Finish(null, BackupEvent.Warn("Failed", message));
    }

    private ReconcileDecision Accepted(Step step, OcpCluster cluster, OcpResponse<BackupCommonResponse> response, bool sentBefore)
    {
        var s = step.Status;
        var results = response.Data.BackupObjectOpsResultList ?? [];
        var taskIds = results.SelectMany(r => r.TaskIdList ?? []).Distinct().ToList();
        s.Successful = results.Count > 0 && results.All(r => r.BeSuccessful == true);
        s.ObBackupTaskType = response.Data.ObBackupTaskType;
        var recorded = results.Select(TaskMapping.ToResult).ToList();
        s.Results = TaskMapping.TellMoreThanTaskIds(recorded, step.Spec.ClusterId, taskIds) ? recorded : null;
        s.TraceId = response.TraceId;
        s.Server = response.Server;
        s.OcpTimestamp = response.Timestamp;

        if (taskIds.Count > 0)
        {
            // Ours, whatever the status write below meets: never adopted by another resource, found by this one.
            _journal.Claim(cluster, taskIds, step.Now, step.Resource.Metadata.Uid);
        }

        if (s.Successful == true && taskIds.Count > 0)
        {
            var ids = string.Join(", ", taskIds);
            s.SetRunning(taskIds, $"OCP accepted the backup: task(s) {ids}", step.Now, step.Generation);
            return step.Finish(_options.PollInterval, BackupEvent.Normal("Submitted",
                $"OCP accepted the backup of cluster {step.Spec.ClusterId}: task(s) {ids} (traceId {response.TraceId})"));
        }

        var failed = results.FirstOrDefault(r => r.BeSuccessful != true);
        var detail = failed is null
            ? results.Count == 0 ? "OCP answered without any backup object result" : "OCP answered successful but listed no task"
            : $"errorCode {failed.ErrorCode ?? "(none)"}: {failed.Hint ?? "(no hint)"}";
        if (taskIds.Count == 0 && failed is not null
            && (BusyWords.IsMatch(failed.Hint ?? string.Empty) || BusyWords.IsMatch(failed.ErrorCode ?? string.Empty)))
        {
            return Busy(step, detail, sentBefore);
        }

        var message = taskIds.Count == 0
            ? $"OCP did not start the backup: {detail}"
            : $"OCP reported a partial failure ({detail}); task(s) {string.Join(", ", taskIds)} were started: check them in OCP";
        if (taskIds.Count > 0)
        {
            s.TaskIds = taskIds;
        }

        s.SetFailed("BackupRejected", message, step.Now, step.Generation);
        return step.Finish(null, BackupEvent.Warn("Failed", message));
    }

    /// <summary>OCP could not be asked: Unknown, with the intent and tasks kept, retried with backoff.</summary>
    private ReconcileDecision Unreachable(Step step, OcpApiException e, string context)
    {
        var s = step.Status;
        var first = s.Phase != BackupPhase.Unknown;
        var message = $"{context}: {e.Message}; retrying";
        s.SetUnknown(e.Kind == OcpFailureKind.Rejected ? "OcpRefused" : "OcpUnreachable", message, step.Now, step.Generation);
        var delay = RetryDelay(s.UnreachableSince, step.Now);
        return first
            ? step.Finish(delay, BackupEvent.Warn("Unknown", message))
            : step.Finish(delay);
    }

    private static string Ids(IEnumerable<long> ids) => string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
