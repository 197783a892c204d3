using BackupOperator.KubeClient;

namespace BackupOperator.Operator.Hosting;

/// <summary>Section "Kubernetes": how to reach the API server.</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>A kubeconfig file; default: in-cluster when running in a Pod, else KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>A context of the kubeconfig other than its current one.</summary>
    public string? Context { get; set; }

    /// <summary>How long a request (not a watch) may take before it fails.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public static KubeConnection Connection(KubernetesOptions options) =>
        options.Kubeconfig is null && options.Context is null && KubeConnection.IsInCluster()
            ? KubeConnection.InCluster()
            : KubeClient.Kubeconfig.Load(options.Kubeconfig, options.Context);
}
