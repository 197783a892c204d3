using k8s;

namespace BackupOperator.Operator.Hosting;

/// <summary>Section "Kubernetes": how to reach the API server.</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>A kubeconfig file; default: in-cluster when running in a Pod, else KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>A context of the kubeconfig other than its current one.</summary>
    public string? Context { get; set; }

    public static KubernetesClientConfiguration ClientConfiguration(KubernetesOptions options)
    {
        if (options.Kubeconfig is null && options.Context is null && KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        // KubernetesClient reads KUBECONFIG only in BuildDefaultConfig; honour it here too.
        var path = options.Kubeconfig
            ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, options.Context);
    }
}
