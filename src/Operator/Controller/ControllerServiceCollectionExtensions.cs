using BackupOperator.Entities;
using BackupOperator.Operator.Controller;
using BackupOperator.Operator.Kubernetes;
using k8s;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ControllerServiceCollectionExtensions
{
    /// <summary>The ClusterBackupNow controller: informers, cache, work queue, loop, leader election.</summary>
    public static IServiceCollection AddBackupController(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ControllerOptions>().Bind(configuration.GetSection(ControllerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LeaderElectionOptions>().Bind(configuration.GetSection(LeaderElectionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        // Indexed by OCP cluster: a reconcile looks at the other backups of its cluster only.
        // Every object enters it without managedFields and last-applied-configuration, and finished
        // backups with nothing left to do as slim copies.
        services.AddSingleton<IResourceCache<V1alpha1ClusterBackupNow>>(
            new ResourceCache<V1alpha1ClusterBackupNow>(BackupController.ClusterIndex, r => SettledBackups.Compact(CacheTrim.Trim(r))));
        services.AddSingleton(sp => new WorkQueue<NamespacedName>(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ControllerOptions>>().Value;
            var client = sp.GetRequiredService<IKubernetes>();
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("BackupOperator.Informer");
            var cache = sp.GetRequiredService<IResourceCache<V1alpha1ClusterBackupNow>>();
            var namespaces = o.Namespaces.Length == 0 ? [null] : o.Namespaces.Select(n => (string?)n).ToArray();
            return new InformerSet<V1alpha1ClusterBackupNow>(namespaces
                .Select(ns => new ResourceInformer<V1alpha1ClusterBackupNow>(
                    new CustomResourceWatchSource<V1alpha1ClusterBackupNow>(client, ns, o.WatchTimeoutSeconds, logger),
                    cache, time, o.StallTimeout, logger, ns))
                .ToList());
        });
        services.AddSingleton<IReconcileHandler<V1alpha1ClusterBackupNow>, BackupController>();

        // Registered before the loop: hosted services stop in reverse order, so the loop stops
        // acting before the lease is released.
        services.AddSingleton<LeaderElectionService>();
        services.AddSingleton<ILeadershipGate>(sp => sp.GetRequiredService<LeaderElectionService>());
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElectionService>());
        services.AddHostedService<ControllerLoop<V1alpha1ClusterBackupNow>>();
        return services;
    }
}
