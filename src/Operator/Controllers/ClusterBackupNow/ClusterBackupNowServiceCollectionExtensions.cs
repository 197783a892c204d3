using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Reconciliation.ClusterBackupNow;
using BackupOperator.Operator.Runtime;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ClusterBackupNowServiceCollectionExtensions
{
    /// <summary>
    /// The ClusterBackupNow controller on the controller runtime: its cache is indexed by OCP cluster
    /// (a reconcile looks at the other backups of its cluster only) and keeps finished backups with
    /// nothing left to do in a compact form; backups of one cluster are reconciled one at a time.
    /// </summary>
    public static IServiceCollection AddClusterBackupNowController(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconcileOptions>().Bind(configuration.GetSection(ReconcileOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconcileOptions>, ReconcileOptionsValidator>();
        services.AddSingleton<IOcpConnector, OcpConnector>();
        services.AddSingleton(sp =>
        {
            // What only this process knew (tasks recorded by deleted resources) may be stale once another leads.
            var journal = new SubmissionJournal();
            sp.GetRequiredService<ILeadershipGate>().LeadershipLost += journal.Clear;
            return journal;
        });
        services.AddSingleton<BackupReconciler>();
        services.AddSingleton<ClusterLocks>();
        services.AddController<ClusterBackupNowController, V1alpha1ClusterBackupNow>(c =>
        {
            c.Index = ClusterBackupNowController.ClusterIndex;
            c.Compact = SettledBackups.Compact;
        });
        return services;
    }
}
