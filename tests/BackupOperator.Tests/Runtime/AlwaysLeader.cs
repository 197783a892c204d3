using BackupOperator.Operator.Runtime;

namespace BackupOperator.Tests.Runtime;

/// <summary>For tests: always the leader.</summary>
internal sealed class AlwaysLeader : ILeadershipGate
{
    public bool IsLeader => true;

    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken) => Task.FromResult(CancellationToken.None);

    public event Action? LeadershipLost
    {
        add { }
        remove { }
    }
}
