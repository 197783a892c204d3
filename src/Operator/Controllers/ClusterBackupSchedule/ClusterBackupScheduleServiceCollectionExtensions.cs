using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupSchedule;

namespace Microsoft.Extensions.DependencyInjection;

public static class ClusterBackupScheduleServiceCollectionExtensions
{
    /// <summary>
    /// The ClusterBackupSchedule controller on the controller runtime: it owns ClusterBackupNow
    /// children (a change of a child wakes its schedule; children are found through an owner index
    /// on the ClusterBackupNow controller's cache, so that controller must be registered too).
    /// </summary>
    public static IServiceCollection AddClusterBackupScheduleController(this IServiceCollection services)
    {
        services.AddController<ClusterBackupScheduleController, V1alpha1ClusterBackupSchedule>(c => c.Owns<V1alpha1ClusterBackupNow>());
        return services;
    }
}
