namespace BackupOperator.Operator.Ocp;

/// <summary>What the OCP client reports; implemented by the operator's metrics.</summary>
public interface IOcpMetrics
{
    /// <summary>operation: backupNow, getTask, listTasks; outcome: ok or the failure kind.</summary>
    void OcpRequest(string operation, string outcome, TimeSpan duration);
}
