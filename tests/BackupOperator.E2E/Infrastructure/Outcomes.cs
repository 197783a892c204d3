using BackupOperator.Entities;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>A backup the scenario meant OCP to run: on which cluster, and whether a taskFail fault was armed for it.</summary>
internal sealed record BackupIntent(string Name, long ClusterId, bool ExpectFailure);

/// <summary>What <see cref="Outcomes.Check"/> found; every count is a defect.</summary>
internal sealed record OutcomeReport(int PhantomSuccess, int UnconfirmedFailures, int MissingBackups, int Duplicates, int WrongOutcomes, IReadOnlyList<string> Problems)
{
    public static OutcomeReport Empty { get; } = new(0, 0, 0, 0, 0, []);
}

/// <summary>
/// Each finished backup's word (phase, reason, task ids, from the API server) against one OCP's own records: the
/// backupNow POSTs with the request id each carried and the tasks each started, the answers it gave, and its tasks'
/// states. A Succeeded backup must hold only tasks its own POSTs (its status.requestId) started, all SUCCESSFUL
/// (else phantomSuccess). A Failed one must fail for a reason OCP confirms (else unconfirmedFailures): TaskFailed
/// with one of its own tasks FAILED; OcpRejected, ClusterNotFound or BackupRejected with nothing started by its
/// POSTs and an answer that said so (a 4xx refusal, or a delivered 2xx for BackupRejected); NotAllowed and
/// OcpAuthenticationFailed (the operator's grant, OCP's login). Every intent must have started a backup unless its
/// failure is confirmed (else missingBackups), and no intent more than one (duplicates, per request id). Per
/// cluster, as many backups end TaskFailed as taskFail faults the scenario armed (else wrongOutcomes, each way).
/// A backup still running is the caller's "stuck", not counted here.
/// </summary>
internal static class Outcomes
{
    private static readonly string[] Refusals = ["OcpRejected", "ClusterNotFound", "BackupRejected"];
    private static readonly string[] ConfirmedByOperator = ["NotAllowed", "OcpAuthenticationFailed"];

    public static OutcomeReport Check(
        IReadOnlyCollection<BackupIntent> intents,
        IReadOnlyCollection<V1alpha1ClusterBackupNow> resources,
        IReadOnlyCollection<OcpPost> posts,
        IReadOnlyCollection<OcpAnswer> answers,
        IReadOnlyDictionary<long, string> taskStatuses)
    {
        var problems = new List<string>();
        int phantom = 0, unconfirmed = 0, missing = 0, duplicates = 0, wrong = 0;
        var byName = resources.ToDictionary(r => r.Metadata.Name);
        foreach (var intent in intents)
        {
            if (!byName.TryGetValue(intent.Name, out var r))
            {
                missing++;
                problems.Add($"missing: {intent.Name} (cluster {intent.ClusterId}) is not in the API server");
                continue;
            }

            var s = r.Status ?? new ClusterBackupNowStatus();
            var requestId = s.RequestId;
            var created = requestId is null ? [] : posts.Where(p => p.RequestId == requestId).SelectMany(p => p.TaskIds).Distinct().ToList();
            var held = s.TaskIds ?? [];
            var what = $"{intent.Name} ({s.Phase} {s.Reason}, tasks [{string.Join(",", held)}], request id {requestId ?? "(none)"}, its POSTs started [{string.Join(",", created)}])";
            if (created.Count > 1)
            {
                duplicates += created.Count - 1;
                problems.Add($"duplicate: {what}: one intent started {created.Count} backups");
            }

            var confirmedFailure = false;
            if (s.Phase == BackupPhase.Succeeded)
            {
                var notOwn = held.Where(id => !created.Contains(id)).ToList();
                var notDone = held.Where(id => !Is(taskStatuses.GetValueOrDefault(id), "SUCCESSFUL")).ToList();
                if (held.Count == 0 || notOwn.Count > 0 || notDone.Count > 0)
                {
                    phantom++;
                    problems.Add($"phantomSuccess: {what}: " + (held.Count == 0 ? "no task"
                        : notOwn.Count > 0 ? $"task(s) [{string.Join(",", notOwn)}] not started by its own POSTs"
                        : $"OCP says {string.Join(", ", notDone.Select(id => $"{id} {taskStatuses.GetValueOrDefault(id) ?? "(unknown)"}"))}"));
                }
            }
            else if (s.Phase == BackupPhase.Failed)
            {
                confirmedFailure = FailureConfirmed(s, created, requestId, answers, taskStatuses);
                if (!confirmedFailure)
                {
                    unconfirmed++;
                    var said = requestId is null ? [] : answers.Where(a => a.RequestId == requestId).Select(a => a.Aborted ? "cut" : $"{a.Status}").ToList();
                    problems.Add($"unconfirmedFailure: {what}: OCP's answers to its POSTs [{string.Join(",", said)}], task states [{string.Join(", ", created.Select(id => $"{id} {taskStatuses.GetValueOrDefault(id) ?? "(unknown)"}"))}]: \"{s.Message}\"");
                }
            }

            if (created.Count == 0 && BackupPhase.IsTerminal(s.Phase) && !confirmedFailure)
            {
                missing++;
                problems.Add($"missingBackup: {what}: OCP started no backup for it");
            }
        }

        foreach (var cluster in intents.GroupBy(i => i.ClusterId))
        {
            var expected = cluster.Count(i => i.ExpectFailure);
            var failed = cluster.Count(i => byName.TryGetValue(i.Name, out var r) && r.Status?.Phase == BackupPhase.Failed && r.Status.Reason == "TaskFailed");
            if (expected != failed)
            {
                wrong += Math.Abs(expected - failed);
                problems.Add($"wrongOutcome: cluster {cluster.Key}: {expected} taskFail fault(s) armed, {failed} backup(s) ended TaskFailed ("
                    + string.Join(", ", cluster.Select(i => $"{i.Name} {(byName.TryGetValue(i.Name, out var r) ? $"{r.Status?.Phase} {r.Status?.Reason}" : "absent")}")) + ")");
            }
        }

        return new OutcomeReport(phantom, unconfirmed, missing, duplicates, wrong, problems);
    }

    private static bool FailureConfirmed(ClusterBackupNowStatus s, List<long> created, string? requestId,
        IReadOnlyCollection<OcpAnswer> answers, IReadOnlyDictionary<long, string> taskStatuses)
    {
        var own = requestId is null ? [] : answers.Where(a => a.RequestId == requestId).ToList();
        return s.Reason switch
        {
            "TaskFailed" => (s.TaskIds ?? []).Any(id => created.Contains(id) && Is(taskStatuses.GetValueOrDefault(id), "FAILED")),
            "BackupRejected" => created.Count == 0 && own.Any(a => a.Delivered2xx || a.Refused),
            { } reason when Refusals.Contains(reason) => created.Count == 0 && own.Any(a => a.Refused),
            { } reason when ConfirmedByOperator.Contains(reason) => true,
            _ => false,
        };
    }

    // OCP's status words, compared as the operator compares them.
    private static bool Is(string? status, string expected) => string.Equals(status, expected, StringComparison.OrdinalIgnoreCase);
}
