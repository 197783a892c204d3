using BackupOperator.Operator.FaultInjection;

namespace Microsoft.Extensions.DependencyInjection;

public static class FailpointServiceCollectionExtensions
{
    /// <summary>
    /// The failpoints armed by the environment, read now: a spec that cannot be read stops the
    /// operator before it starts. A published build arms none.
    /// </summary>
    public static IServiceCollection AddFailpoints(this IServiceCollection services)
    {
        var armed = FailpointSpec.FromEnvironment();
        services.AddSingleton(sp => new Failpoints(armed, sp.GetRequiredService<ILogger<Failpoints>>()));
        return services;
    }
}
