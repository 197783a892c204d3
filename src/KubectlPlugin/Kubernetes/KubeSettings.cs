namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>kubectl's connection flags, as given (null when absent).</summary>
public sealed record KubeSettings(string? Kubeconfig, string? Context, string? Namespace);
