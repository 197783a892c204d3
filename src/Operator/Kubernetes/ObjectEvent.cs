namespace BackupOperator.Operator.Kubernetes;

/// <summary>One Event about an object: Warning or Normal, a CamelCase reason, a note for people.</summary>
public sealed record ObjectEvent(bool Warning, string Reason, string Note);
