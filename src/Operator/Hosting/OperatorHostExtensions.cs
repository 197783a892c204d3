using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Controllers.ClusterBackupSchedule;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Hosting;

/// <summary>The composition root: the only place that knows every folder.</summary>
public static class OperatorHostExtensions
{
    /// <summary>Everything the operator needs: Kubernetes and OCP clients, the controllers, probes.</summary>
    public static HostApplicationBuilder AddBackupOperator(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddFailpoints();

        // Probes and metrics first: they answer while the controller lists, and stop last.
        services.AddOptions<HttpOptions>().Bind(configuration.GetSection(HttpOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>();
        services.AddSingleton<PrometheusExporter>();
        services.AddHostedService<HttpEndpoints>();

        // Adapters to the outside world.
        services.AddOptions<KubernetesOptions>().Bind(configuration.GetSection(KubernetesOptions.Section));
        services.AddSingleton<KubeApiMetrics>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<KubernetesOptions>>().Value;
            var http = KubernetesOptions.Connection(o).CreateHttpClient(sp.GetRequiredService<KubeApiMetrics>().CreateHandler());
            // The cache drops managedFields (CacheTrim): never building them saves their reading on every watch event and status write.
            return new KubeApiClient(http, [EntityJsonContext.Default], o.RequestTimeout, skipManagedFields: true);
        });
        services.AddOptions<OcpOptions>().Bind(configuration.GetSection(OcpOptions.Section))
            .PostConfigure(o => o.ResolveNamespaces(KubeConnection.InClusterNamespace())).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OcpOptions>, OcpOptionsValidator>();
        services.AddSingleton<IOcpClientFactory, OcpClientFactory>();
        services.AddSingleton<ISecretReader>(sp => new SecretReader(
            sp.GetRequiredService<KubeApiClient>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<OcpOptions>>().Value.SecretCacheDuration));
        services.AddSingleton<IStatusWriter<V1alpha1ClusterBackupNow, ClusterBackupNowStatus>, StatusWriter<V1alpha1ClusterBackupNow, ClusterBackupNowStatus>>();
        services.AddSingleton<IResourceReader<V1alpha1ClusterBackupNow>, ResourceReader<V1alpha1ClusterBackupNow>>();
        services.AddSingleton<IResourceDeleter<V1alpha1ClusterBackupNow>, ResourceDeleter<V1alpha1ClusterBackupNow>>();
        services.AddSingleton<IResourceCreator<V1alpha1ClusterBackupNow>, ResourceCreator<V1alpha1ClusterBackupNow>>();
        services.AddSingleton<IStatusWriter<V1alpha1ClusterBackupSchedule, ClusterBackupScheduleStatus>, StatusWriter<V1alpha1ClusterBackupSchedule, ClusterBackupScheduleStatus>>();
        services.AddSingleton<IStatusWriter<V1alpha1ClusterOcpConnection, ClusterOcpConnectionStatus>, StatusWriter<V1alpha1ClusterOcpConnection, ClusterOcpConnectionStatus>>();
        services.AddSingleton<IResourceReader<V1alpha1ClusterOcpConnection>, ResourceReader<V1alpha1ClusterOcpConnection>>();
        services.AddSingleton<INamespaceReader, NamespaceReader>();
        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventOptions>, EventOptionsValidator>();
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());
        // Registered before the controllers, so it stops after them and writes their last events.
        services.AddHostedService(sp => sp.GetRequiredService<EventRecorder>());

        // The controller runtime, then one controller per resource kind.
        services.AddControllerRuntime(configuration);
        services.AddClusterBackupNowController(configuration);
        services.AddClusterOcpConnectionController(configuration);
        services.AddClusterBackupScheduleController(configuration);

        services.AddMetrics();
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton<IControllerMetrics>(sp => sp.GetRequiredService<OperatorMetrics>());
        services.AddSingleton<IOcpMetrics>(sp => sp.GetRequiredService<OperatorMetrics>());
        services.AddSingleton<IBackupMetrics>(sp => sp.GetRequiredService<OperatorMetrics>());
        services.AddSingleton<IScheduleMetrics>(sp => sp.GetRequiredService<OperatorMetrics>());
        return builder;
    }
}
