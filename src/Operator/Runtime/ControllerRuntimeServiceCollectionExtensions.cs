using System.Diagnostics.CodeAnalysis;
using BackupOperator.KubeClient;
using BackupOperator.Operator.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The controller runtime's registration: <see cref="AddControllerRuntime"/> once (options, leader
/// election, readiness), then <see cref="AddController{TController, TEntity}"/> per resource kind,
/// as KubeOps' AddController&lt;TController, TEntity&gt;() or controller-runtime's builder.
/// </summary>
public static class ControllerRuntimeServiceCollectionExtensions
{
    public static IServiceCollection AddControllerRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(LeaderElectionService)))
        {
            return services;
        }

        services.AddOptions<ControllerOptions>().Bind(configuration.GetSection(ControllerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ControllerOptions>, ControllerOptionsValidator>();
        services.AddOptions<LeaderElectionOptions>().Bind(configuration.GetSection(LeaderElectionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LeaderElectionOptions>, LeaderElectionOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => OperatorIdentity.Create(sp.GetRequiredService<IOptions<LeaderElectionOptions>>().Value.Identity));

        // Registered before any controller loop: hosted services stop in reverse order, so the loops
        // stop acting before the lease is released.
        services.AddSingleton<LeaderElectionService>();
        services.AddSingleton<ILeadershipGate>(sp => sp.GetRequiredService<LeaderElectionService>());
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElectionService>());
        services.AddSingleton<ControllerReadiness>();
        return services;
    }

    /// <summary>
    /// One controller for <typeparamref name="TEntity"/>: its informers (one per watched namespace,
    /// or one cluster-wide), its cache, its work queue and the loop that hands keys to
    /// <typeparamref name="TController"/> while this replica leads.
    /// </summary>
    public static IServiceCollection AddController<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TController, TEntity>(
        this IServiceCollection services, Action<ControllerSettings<TEntity>>? configure = null)
        where TController : class, IEntityController<TEntity>
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        if (!services.Any(d => d.ServiceType == typeof(LeaderElectionService)))
        {
            throw new InvalidOperationException("AddControllerRuntime must be called before AddController");
        }

        var settings = new ControllerSettings<TEntity>();
        configure?.Invoke(settings);
        services.AddSingleton<IResourceCache<TEntity>>(new ResourceCache<TEntity>(settings.Index, CacheTrim.Trim, settings.Compact));
        services.AddSingleton(sp => new ControllerQueue<TEntity>(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEntityRequeue<TEntity>>(sp => sp.GetRequiredService<ControllerQueue<TEntity>>());
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ControllerOptions>>().Value;
            var client = sp.GetRequiredService<KubeApiClient>();
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger($"BackupOperator.Informer.{typeof(TEntity).Name}");
            var cache = sp.GetRequiredService<IResourceCache<TEntity>>();
            var namespaces = settings.ClusterScoped || o.Namespaces.Length == 0 ? [null] : o.Namespaces.Select(n => (string?)n).ToArray();
            return new InformerSet<TEntity>(namespaces
                .Select(ns => new ResourceInformer<TEntity>(
                    new CustomResourceWatchSource<TEntity>(client, ns, o.WatchTimeoutSeconds, logger),
                    cache, time, o.StallTimeout, logger, ns))
                .ToList());
        });
        services.AddSingleton<ICacheSyncStatus>(sp => sp.GetRequiredService<InformerSet<TEntity>>());
        foreach (var register in settings.Watches)
        {
            register(services);
        }

        services.AddSingleton<IEntityController<TEntity>, TController>();
        services.AddHostedService<ControllerLoop<TEntity>>();
        return services;
    }
}
