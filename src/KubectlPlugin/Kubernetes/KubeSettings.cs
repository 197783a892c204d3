using BackupOperator.KubeClient;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>kubectl's connection flags, as given (null when absent); <paramref name="Overrides"/> holds the rest (--as, --server, ...).</summary>
public sealed record KubeSettings(string? Kubeconfig, string? Context, string? Namespace, ConnectionOverrides? Overrides = null);
