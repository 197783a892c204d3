using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Controllers.ClusterBackupSchedule;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Runtime;

namespace BackupOperator.Operator.Diagnostics;

/// <summary>
/// The operator's metrics (System.Diagnostics.Metrics, meter "BackupOperator"), exported in
/// Prometheus format on /metrics. Names say what a dashboard needs: outcomes, OCP latency,
/// reconcile cost, queue pressure, the last good backup per cluster, who leads.
/// </summary>
public sealed class OperatorMetrics : IControllerMetrics, IOcpMetrics, IBackupMetrics, IScheduleMetrics
{
    public const string MeterName = "BackupOperator";
    private const string PhaseCount = "phase";
    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _ocpDuration;
    private readonly Histogram<double> _reconcileDuration;
    private readonly Counter<long> _reconcileErrors;
    private readonly Histogram<double> _queueWait;
    private readonly ConcurrentDictionary<(string Ocp, long ClusterId), double> _lastSuccess = new();
    private readonly ConcurrentDictionary<NamespacedName, ClusterBackupScheduleStatus> _schedules = new();

    public OperatorMetrics(IMeterFactory meterFactory, IResourceCache<V1alpha1ClusterBackupNow> cache,
        ControllerQueue<V1alpha1ClusterBackupNow> queue, ILeadershipGate leadership)
    {
        var meter = meterFactory.Create(MeterName);
        _transitions = meter.CreateCounter<long>("phase_transitions_total",
            description: "Backups entering a phase (Submitting, Running, Succeeded, Failed, Unknown, Pending).");
        _ocpDuration = meter.CreateHistogram<double>("ocp_request_duration_seconds", null,
            "OCP API calls by operation (backupNow, getTask, listTasks) and outcome (ok or the failure kind).");
        _reconcileDuration = meter.CreateHistogram<double>("reconcile_duration_seconds", null,
            "Reconcile duration by result (done, requeue, error).");
        _reconcileErrors = meter.CreateCounter<long>("reconcile_errors_total",
            description: "Reconciles that ended in an exception (retried with backoff).");
        _queueWait = meter.CreateHistogram<double>("workqueue_wait_seconds", null,
            "Time a resource waited in the work queue before a worker took it.");
        meter.CreateObservableGauge("workqueue_depth", () => queue.Count,
            description: "Resources waiting in the work queue.");
        // Counted as backups enter and leave the cache: a scrape expands none of a long history.
        cache.AddCount(PhaseCount, b => b.Status?.Phase ?? "New");
        meter.CreateObservableGauge("backups", () => cache.CountsOf(PhaseCount)
            .Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("phase", p.Key))),
            description: "ClusterBackupNow resources by phase.");
        meter.CreateObservableGauge("last_success_timestamp_seconds", () => _lastSuccess
            .Select(p => new Measurement<double>(p.Value,
                new KeyValuePair<string, object?>("ocp", p.Key.Ocp), new KeyValuePair<string, object?>("cluster_id", p.Key.ClusterId))),
            description: "Unix time of the last Succeeded backup per OCP cluster (ocp: its OCP's host and port; seen by this process).");
        meter.CreateObservableGauge("leader", () => leadership.IsLeader ? 1 : 0,
            description: "1 when this replica holds the leader lease.");
        ScheduleGauge(meter, "schedule_next_run_timestamp_seconds", s => Seconds(s.NextScheduleTime),
            "Unix time of each ClusterBackupSchedule's next slot (absent while suspended or invalid).");
        ScheduleGauge(meter, "schedule_last_success_timestamp_seconds", s => Seconds(s.LastSuccessfulTime),
            "Unix time each ClusterBackupSchedule's newest successful backup completed.");
        ScheduleGauge(meter, "schedule_missed_slots", s => s.MissedSlots ?? 0,
            "Slots each ClusterBackupSchedule never ran (operator down, starting deadline passed), over its life.");
        ScheduleGauge(meter, "schedule_skipped_slots", s => s.SkippedSlots ?? 0,
            "Slots each ClusterBackupSchedule skipped because its previous backup was active (Forbid), over its life.");
        queue.Dequeued += (_, waited) => _queueWait.Record(waited.TotalSeconds);
    }

    public void PhaseEntered(string phase, string? ocpEndpoint, long clusterId, DateTimeOffset now)
    {
        _transitions.Add(1, new KeyValuePair<string, object?>("phase", phase));
        if (phase == BackupPhase.Succeeded)
        {
            // Cluster ids are numbered per OCP: the OCP's host and port tell two "cluster 5"s apart.
            _lastSuccess[(OcpEndpoint.HostAndPort(ocpEndpoint), clusterId)] = now.ToUnixTimeMilliseconds() / 1000.0;
        }
    }

    public void ScheduleObserved(NamespacedName schedule, ClusterBackupScheduleStatus? status)
    {
        if (status is not null)
        {
            _schedules[schedule] = status;
        }
    }

    public void ScheduleDeleted(NamespacedName schedule) => _schedules.TryRemove(schedule, out _);

    private static double? Seconds(DateTime? t) =>
        t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)).ToUnixTimeMilliseconds() / 1000.0 : null;

    private void ScheduleGauge(Meter meter, string name, Func<ClusterBackupScheduleStatus, double?> value, string description) =>
        meter.CreateObservableGauge(name, () => _schedules
            .Select(p => (p.Key, Value: value(p.Value)))
            .Where(p => p.Value is not null)
            .Select(p => new Measurement<double>(p.Value!.Value,
                new KeyValuePair<string, object?>("namespace", p.Key.Namespace), new KeyValuePair<string, object?>("schedule", p.Key.Name))),
            description: description);

    public void OcpRequest(string operation, string outcome, TimeSpan duration) =>
        _ocpDuration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    public void Reconciled(string result, TimeSpan duration)
    {
        _reconcileDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("result", result));
        if (result == "error")
        {
            _reconcileErrors.Add(1);
        }
    }
}
