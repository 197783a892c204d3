using BackupOperator.Entities;
using BackupOperator.Operator.Controller;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation;
using k8s;

namespace BackupOperator.Operator;

public static class OperatorHostExtensions
{
    /// <summary>Everything the operator needs: Kubernetes and OCP clients, the controller, probes.</summary>
    public static HostApplicationBuilder AddBackupOperator(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddFailpoints();

        // Probes and metrics first: they answer while the controller lists, and stop last.
        services.AddOptions<HttpOptions>().Bind(configuration.GetSection(HttpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<ControllerReadiness>();
        services.AddHostedService<HttpEndpoints>();

        services.AddOptions<KubernetesOptions>().Bind(configuration.GetSection(KubernetesOptions.Section));
        services.AddOptions<OcpOptions>().Bind(configuration.GetSection(OcpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReconcileOptions>().Bind(configuration.GetSection(ReconcileOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<KubeApiMetrics>();
        services.AddSingleton<IKubernetes>(sp => new k8s.Kubernetes(
            KubernetesOptions.ClientConfiguration(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<KubernetesOptions>>().Value),
            sp.GetRequiredService<KubeApiMetrics>().CreateHandler()));
        services.AddSingleton(new OperatorIdentity(
            configuration["LeaderElection:Identity"] ?? Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName));

        services.AddSingleton<IOcpClientFactory, OcpClientFactory>();
        services.AddSingleton<IOcpConnector, SecretOcpConnector>();
        services.AddSingleton(sp =>
        {
            var journal = new SubmissionJournal();
            sp.GetRequiredService<BackupOperator.Operator.Controller.ILeadershipGate>().LeadershipLost += journal.Clear;
            return journal;
        });
        services.AddSingleton<BackupReconciler>();
        services.AddSingleton<IStatusWriter, StatusWriter>();
        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());
        // Registered before the controller, so it stops after it and writes the controller's last events.
        services.AddHostedService(sp => sp.GetRequiredService<EventRecorder>());
        services.AddSingleton<ClusterLocks>();
        services.AddSingleton<IResourceDeleter, ResourceDeleter>();
        services.AddSingleton<IResourceReader, ResourceReader>();

        services.AddBackupController(configuration);
        services.AddMetrics();
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton<BackupOperator.Operator.Controller.IControllerMetrics>(sp => sp.GetRequiredService<OperatorMetrics>());

        return builder;
    }
}
