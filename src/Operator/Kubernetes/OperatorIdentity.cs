namespace BackupOperator.Operator.Kubernetes;

/// <summary>Who this replica is: for events and the leader-election Lease.</summary>
public sealed record OperatorIdentity(string Name);
