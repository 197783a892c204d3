using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupSchedule;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ClusterBackupScheduleServiceCollectionExtensions
{
    /// <summary>
    /// The ClusterBackupSchedule controller on the controller runtime: it owns ClusterBackupNow
    /// children (a change of a child wakes its schedule; children are found through an owner index
    /// on the ClusterBackupNow controller's cache, so that controller must be registered too), with
    /// its options (section Schedule) validated at start.
    /// </summary>
    public static IServiceCollection AddClusterBackupScheduleController(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScheduleOptions>().Bind(configuration.GetSection(ScheduleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>();
        services.AddController<ClusterBackupScheduleController, V1alpha1ClusterBackupSchedule>(c => c.Owns<V1alpha1ClusterBackupNow>());
        return services;
    }
}
