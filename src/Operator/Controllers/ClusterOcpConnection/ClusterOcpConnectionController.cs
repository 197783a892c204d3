using System.Collections.Concurrent;
using BackupOperator.Entities;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Controllers.ClusterOcpConnection;

/// <summary>
/// Checks a ClusterOcpConnection: reads its Secret (only in Ocp:CredentialsNamespace), asks OCP
/// for a one-item page of tasks with those credentials, and writes what it found to the Ready
/// condition (<see cref="ConnectionStatusDecision"/> decides; this class does the I/O). The status is
/// written only when it changed, an event only when Ready flips or its reason changes.
/// </summary>
public sealed partial class ClusterOcpConnectionController(
    ISecretReader secrets,
    IOcpClientFactory clients,
    IResourceCache<V1alpha1ClusterOcpConnection> cache,
    IStatusWriter<V1alpha1ClusterOcpConnection, ClusterOcpConnectionStatus> statusWriter,
    IEventRecorder events,
    IOptions<ConnectionOptions> options,
    TimeProvider time,
    ILogger<ClusterOcpConnectionController> logger,
    IOptions<OcpOptions>? ocpOptions = null) : IEntityController<V1alpha1ClusterOcpConnection>
{
    private readonly string _credentialsNamespace = (ocpOptions?.Value ?? new OcpOptions()).CredentialsNamespaceInEffect();

    // A conflict means a newer object is on its way through the watch; look again soon.
    private static readonly TimeSpan ConflictRequeue = TimeSpan.FromMilliseconds(200);

    /// <summary>The authenticated read: the newest task, one item, whatever cluster it belongs to.</summary>
    public static readonly TaskQuery Probe = new(Page: 1, Size: 1, Sort: "id,desc");

    // The last check of each connection, so the watch event of its own status write (or a resync)
    // does not ask OCP again before the check is due. A spec edit (new generation) checks at once.
    private readonly ConcurrentDictionary<string, LastCheck> _checks = new();

    public async Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterOcpConnection resource, CancellationToken cancellationToken)
    {
        var name = resource.Metadata.Name;
        var now = time.GetUtcNow();
        if (_checks.TryGetValue(name, out var last) && last.Uid == resource.Metadata.Uid && last.Generation == resource.Metadata.Generation
            && StatusEquality.Same(resource.Status, last.Written) && last.Due - now > last.Wait / 10)
        {
            return ReconcileOutcome.Requeue(last.Due - now);
        }

        var check = await CheckAsync(resource, cancellationToken);
        now = time.GetUtcNow();
        var decision = ConnectionStatusDecision.Decide(resource, check, now.UtcDateTime, options.Value);
        var written = resource;
        if (decision.Status is not null)
        {
            try
            {
                written = await statusWriter.WriteAsync(resource, decision.Status, cancellationToken);
                cache.Upsert(written);
            }
            catch (ResourceGoneException e)
            {
                // Deleted meanwhile: nothing to retry; the watch removes it from the cache.
                LogStatusNotWritten(logger, name, e.Message);
                _checks.TryRemove(name, out _);
                return ReconcileOutcome.Done;
            }
            catch (StatusConflictException e)
            {
                LogStatusNotWritten(logger, name, e.Message);
                return ReconcileOutcome.Requeue(ConflictRequeue);
            }
        }

        if (decision.Event is { } tell)
        {
            LogReadyChanged(logger, name, check.Ready, check.Reason, check.Message);
            await events.RecordAsync(written, new ObjectEvent(tell.Warning, tell.Reason, tell.Note), cancellationToken);
        }
        else
        {
            LogChecked(logger, name, check.Ready, check.Reason, decision.RequeueAfter);
        }

        _checks[name] = new LastCheck(resource.Metadata.Uid, resource.Metadata.Generation, written.Status, now + decision.RequeueAfter, decision.RequeueAfter);
        return ReconcileOutcome.Requeue(decision.RequeueAfter);
    }

    public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        _checks.TryRemove(key.Name, out _);
        LogDeleted(logger, key.Name);
        return Task.CompletedTask;
    }

    /// <summary>The Secret, the settings it makes, and one authenticated read; each failure as the check that names it.</summary>
    private async Task<ConnectionCheck> CheckAsync(V1alpha1ClusterOcpConnection resource, CancellationToken cancellationToken)
    {
        if (ConnectionCheck.FromSpec(resource.Spec) is { } invalid)
        {
            return invalid;
        }

        var secret = resource.Spec.CredentialsSecretRef!;
        if (ConnectionCheck.OutsideCredentialsNamespace(secret, _credentialsNamespace) is { } outside)
        {
            return outside;
        }

        IDictionary<string, byte[]> data;
        try
        {
            data = await secrets.ReadAsync(secret.Namespace!, secret.Name!, ConnectionCheck.SecretField, cancellationToken);
        }
        catch (SecretUnavailableException e)
        {
            return ConnectionCheck.SecretUnavailable(secret, e.Forbidden);
        }

        var settings = ConnectionSettings.From(resource, data);
        try
        {
            var api = clients.Get(settings);
            await api.ListTasksAsync(Probe, cancellationToken);
            return ConnectionCheck.Connected(settings.UsesAccessKey);
        }
        catch (OcpConfigurationException e)
        {
            return ConnectionCheck.Incomplete(e);
        }
        catch (OcpApiException e)
        {
            return ConnectionCheck.FromOcp(e, secret);
        }
    }

    private sealed record LastCheck(string? Uid, long? Generation, ClusterOcpConnectionStatus? Written, DateTimeOffset Due, TimeSpan Wait);

    [LoggerMessage(3001, LogLevel.Information, "ClusterOcpConnection {Name}: Ready {Ready} ({Reason}: {Message})")]
    private static partial void LogReadyChanged(ILogger logger, string name, bool ready, string reason, string message);

    [LoggerMessage(3002, LogLevel.Debug, "ClusterOcpConnection {Name} checked: Ready {Ready} ({Reason}); next check in {RequeueAfter}")]
    private static partial void LogChecked(ILogger logger, string name, bool ready, string reason, TimeSpan requeueAfter);

    [LoggerMessage(3003, LogLevel.Debug, "Status of ClusterOcpConnection {Name} not written, will re-read: {Error}")]
    private static partial void LogStatusNotWritten(ILogger logger, string name, string error);

    [LoggerMessage(3004, LogLevel.Information, "ClusterOcpConnection {Name} deleted")]
    private static partial void LogDeleted(ILogger logger, string name);
}
