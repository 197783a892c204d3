using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupNow;

/// <summary>
/// The reconciler's door to the outside: which OCP a backup's connection reaches, whether the backup
/// may use that connection at all, the OCP client for it (its namespace's Secret, or a granted
/// ClusterOcpConnection) and the object-store key its storage needs. Throws
/// <see cref="OcpConfigurationException"/> when something it needs is missing or malformed (it may
/// appear later) and <see cref="OcpAccessDeniedException"/> when the backup may not use it.
/// </summary>
public interface IOcpConnector
{
    /// <summary>
    /// The OCP the backup's connection reaches now (its normalised url and, for a ClusterOcpConnection,
    /// the connection's uid). Sends nothing anywhere; reads the connection, or the url of the
    /// namespace's Secret.
    /// </summary>
    Task<OcpTarget> ResolveAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);

    /// <summary>
    /// Before anything is sent for a backup, and again before every POST: throws
    /// <see cref="OcpAccessDeniedException"/> when its namespace may not use the connection, the
    /// connection does not allow its cluster, or a Secret it names is not granted to the operator.
    /// With <paramref name="recorded"/> (the target recorded with the intent) the connection must
    /// still be the one recorded (same uid) and reach the recorded OCP, and Secrets are read afresh,
    /// not from a cache.
    /// </summary>
    Task AuthorizeAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken);

    /// <summary>
    /// The OCP client for the backup and the target it reaches. With <paramref name="recorded"/>, a
    /// connection whose url no longer reaches the recorded OCP is refused with
    /// <see cref="OcpConfigurationException"/>: credentials never go to another OCP than the recorded one.
    /// </summary>
    Task<OcpSession> ConnectAsync(V1alpha1ClusterBackupNow resource, OcpTarget? recorded, CancellationToken cancellationToken);

    Task<AccessKeyDto?> GetStorageAccessKeyAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken);
}

/// <summary>Where a backup goes: the normalised OCP endpoint and, through a ClusterOcpConnection, that connection's uid.</summary>
public sealed record OcpTarget(string Endpoint, string? ConnectionUid)
{
    /// <summary>The target recorded with a backup's intent; null before it (or for an intent written before it was recorded).</summary>
    public static OcpTarget? RecordedIn(ClusterBackupNowStatus? status) =>
        status?.OcpEndpoint is { Length: > 0 } endpoint ? new OcpTarget(endpoint, status.OcpConnectionUid) : null;
}

/// <summary>An OCP client, the target it reaches and, with Basic auth, the OCP user it signs in as (OCP's "creator" of the tasks it starts).</summary>
public sealed record OcpSession(IOcpApi Api, OcpTarget Target, string? User = null);
