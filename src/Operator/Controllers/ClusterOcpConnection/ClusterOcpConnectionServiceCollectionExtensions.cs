using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterOcpConnection;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ClusterOcpConnectionServiceCollectionExtensions
{
    /// <summary>
    /// The ClusterOcpConnection status controller on the controller runtime: one cluster-wide
    /// list/watch (the kind is cluster-scoped, whatever Controller:Namespaces says), each connection
    /// checked when it changes and again every Connections:RecheckInterval (sooner, with backoff,
    /// while it does not work).
    /// </summary>
    public static IServiceCollection AddClusterOcpConnectionController(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConnectionOptions>().Bind(configuration.GetSection(ConnectionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionOptions>, ConnectionOptionsValidator>();
        services.AddController<ClusterOcpConnectionController, V1alpha1ClusterOcpConnection>(c => c.ClusterScoped = true);
        return services;
    }
}
