namespace BackupOperator.Operator.Kubernetes;

/// <summary>What the operator reads of a Secret: its data, and its labels (an owner's opt-in lives there).</summary>
public sealed record SecretContent(IDictionary<string, byte[]> Data, IDictionary<string, string> Labels);
