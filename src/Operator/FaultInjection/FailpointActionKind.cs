namespace BackupOperator.Operator.FaultInjection;

/// <summary>What an armed failpoint does when the operator passes it.</summary>
public enum FailpointActionKind
{
    /// <summary>Dies at once, as SIGKILL does: no cleanup, no lease release, no flush.</summary>
    Kill,

    /// <summary>Blocks the passing thread for a while, then goes on.</summary>
    Pause,
}
