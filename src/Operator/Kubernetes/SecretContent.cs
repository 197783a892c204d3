namespace BackupOperator.Operator.Kubernetes;

/// <summary>What the operator reads of a Secret: its data.</summary>
public sealed record SecretContent(IDictionary<string, byte[]> Data);
