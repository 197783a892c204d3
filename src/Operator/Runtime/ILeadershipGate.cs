namespace BackupOperator.Operator.Runtime;

/// <summary>Whether this replica may act.</summary>
public interface ILeadershipGate
{
    bool IsLeader { get; }

    /// <summary>Completes once this replica leads, with a token that is cancelled when it stops leading.</summary>
    Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken);

    /// <summary>Raised when leadership is lost: whatever this replica knew alone may be stale now.</summary>
    event Action? LeadershipLost;
}
