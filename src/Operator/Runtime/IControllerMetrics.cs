namespace BackupOperator.Operator.Runtime;

/// <summary>What the controller loop reports; implemented by the operator's metrics.</summary>
public interface IControllerMetrics
{
    /// <summary>result: done, requeue or error.</summary>
    void Reconciled(string result, TimeSpan duration);
}
