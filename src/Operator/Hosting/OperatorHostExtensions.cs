using BackupOperator.Entities;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation;
using k8s;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BackupOperator.Operator;

public static class OperatorHostExtensions
{
    /// <summary>Everything the operator needs: Kubernetes and OCP clients, the controller, probes.</summary>
    public static WebApplicationBuilder AddBackupOperator(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);

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
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());
        // Registered before the controller, so it stops after it and writes the controller's last events.
        services.AddHostedService(sp => sp.GetRequiredService<EventRecorder>());
        services.AddSingleton<ClusterLocks>();
        services.AddSingleton<IResourceDeleter, ResourceDeleter>();

        services.AddBackupController(configuration);
        services.AddMetrics();
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton<BackupOperator.Operator.Controller.IControllerMetrics>(sp => sp.GetRequiredService<OperatorMetrics>());

        services.AddHealthChecks()
            .AddCheck<ControllerReadyCheck>("controller", tags: ["ready"]);
        return builder;
    }

    /// <summary>/healthz: the process answers. /readyz: the cache is synced. /metrics: Prometheus.</summary>
    public static WebApplication MapBackupOperatorEndpoints(this WebApplication app)
    {
        // Export this operator's meter and the HTTP client's; the runtime's event counters add cost, not insight here.
        Prometheus.Metrics.SuppressDefaultMetrics(new Prometheus.SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Prometheus.Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = i => i.Meter.Name is OperatorMetrics.MeterName or "System.Net.Http");
        Prometheus.MetricServerMiddlewareExtensions.MapMetrics(app, "/metrics");
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}
