using System.Text.Json.Serialization;
using BackupOperator.Entities;
using BackupOperator.Operator.Controllers.ClusterBackupNow;
using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.KubeClient;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Runtime;

/// <summary>
/// Two resource kinds on one controller runtime: each gets its own cache, queue, informers and loop,
/// and they share one leader gate. The hosted services are resolved, never started.
/// </summary>
public sealed class ControllerRuntimeRegistrationTests : IDisposable
{
    private readonly HttpClientHandler _api = new();
    private readonly ServiceProvider _provider;

    public ControllerRuntimeRegistrationTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LeaderElection:LeaseNamespace"] = "test" })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(TestResources.Start))
            .AddSingleton(TestKubeApi.Client(_api));
        services.AddControllerRuntime(configuration);
        services.AddController<BackupStubController, V1alpha1ClusterBackupNow>(c =>
        {
            c.Index = ClusterBackupNowController.ClusterIndex;
            c.Compact = SettledBackups.Compact;
        });
        services.AddController<WidgetController, V1Widget>();
        _provider = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _api.Dispose();
    }

    [Fact]
    public void Each_kind_gets_its_own_controller_loop_and_both_stop_before_the_lease_is_released()
    {
        var hosted = _provider.GetServices<IHostedService>().ToList();

        Assert.Single(hosted.OfType<LeaderElectionService>());
        var backups = hosted.FindIndex(h => h is ControllerLoop<V1alpha1ClusterBackupNow>);
        var widgets = hosted.FindIndex(h => h is ControllerLoop<V1Widget>);
        Assert.Single(hosted.OfType<ControllerLoop<V1alpha1ClusterBackupNow>>());
        Assert.Single(hosted.OfType<ControllerLoop<V1Widget>>());
        // Hosted services stop in reverse order: the leader gate, registered first, stops last.
        Assert.True(hosted.FindIndex(h => h is LeaderElectionService) < Math.Min(backups, widgets));
    }

    [Fact]
    public void Each_kind_gets_its_own_cache_shaped_by_its_own_settings()
    {
        var backupCache = _provider.GetRequiredService<IResourceCache<V1alpha1ClusterBackupNow>>();
        var widgetCache = _provider.GetRequiredService<IResourceCache<V1Widget>>();
        var settled = TestResources.Backup(status: TestResources.Terminal(BackupPhase.Succeeded, TestResources.Start.UtcDateTime));

        backupCache.Upsert(settled);
        widgetCache.Upsert(new V1Widget { Metadata = new V1ObjectMeta { Name = "nightly", NamespaceProperty = "db" } });

        Assert.Single(backupCache.ListByIndex(ClusterBackupNowController.ClusterIndex(settled)));
        Assert.True(SettledBackups.IsPartial(Assert.Single(backupCache.List())));
        Assert.Equal("nightly", Assert.Single(widgetCache.List()).Metadata.Name);
        Assert.Throws<InvalidOperationException>(() => widgetCache.ListByIndex("8"));
    }

    [Fact]
    public void Waking_an_object_of_one_kind_queues_it_for_that_kinds_controller_only()
    {
        var backupQueue = _provider.GetRequiredService<ControllerQueue<V1alpha1ClusterBackupNow>>();
        var widgetQueue = _provider.GetRequiredService<ControllerQueue<V1Widget>>();

        _provider.GetRequiredService<IEntityRequeue<V1Widget>>().Requeue(new NamespacedName("db", "nightly"));

        Assert.Equal(1, widgetQueue.Count);
        Assert.Equal(0, backupQueue.Count);
        Assert.Same(backupQueue, _provider.GetRequiredService<IEntityRequeue<V1alpha1ClusterBackupNow>>());
    }

    [Fact]
    public void Readiness_waits_for_the_caches_of_both_kinds()
    {
        var caches = _provider.GetServices<ICacheSyncStatus>().ToList();

        Assert.Equal(2, caches.Count);
        Assert.Contains(_provider.GetRequiredService<InformerSet<V1alpha1ClusterBackupNow>>(), caches);
        Assert.Contains(_provider.GetRequiredService<InformerSet<V1Widget>>(), caches);
        Assert.False(_provider.GetRequiredService<ControllerReadiness>().Check().Ready);
    }

    [Fact]
    public void Both_kinds_share_one_leader_gate()
    {
        Assert.Same(_provider.GetRequiredService<LeaderElectionService>(), _provider.GetRequiredService<ILeadershipGate>());
        Assert.IsType<WidgetController>(_provider.GetRequiredService<IEntityController<V1Widget>>());
        Assert.IsType<BackupStubController>(_provider.GetRequiredService<IEntityController<V1alpha1ClusterBackupNow>>());
    }

    [Fact]
    public void Adding_the_controller_runtime_twice_registers_it_once()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();

        services.AddControllerRuntime(configuration).AddControllerRuntime(configuration);

        Assert.Single(services, d => d.ServiceType == typeof(LeaderElectionService));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public void Adding_a_controller_before_the_controller_runtime_is_refused_with_a_clear_message()
    {
        var services = new ServiceCollection();

        var e = Assert.Throws<InvalidOperationException>(() => services.AddController<WidgetController, V1Widget>());

        Assert.Contains("AddControllerRuntime", e.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Fact]
    public void Owning_a_kind_whose_controller_is_not_registered_fails_with_a_clear_message_when_resolved()
    {
        using var provider = Provider(services => services.AddController<ScheduleStubController, V1alpha1ClusterBackupSchedule>(c => c.Owns<V1alpha1ClusterBackupNow>()));

        var e = Assert.Throws<InvalidOperationException>(() => provider.GetServices<IControllerWatch<V1alpha1ClusterBackupSchedule>>().ToList());

        Assert.Equal("V1alpha1ClusterBackupSchedule owns V1alpha1ClusterBackupNow, but no controller for V1alpha1ClusterBackupNow is registered", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Owning_a_registered_kind_indexes_its_cache_by_owner_and_uses_its_informers_whatever_the_order(bool ownerFirst)
    {
        using var provider = Provider(services =>
        {
            if (ownerFirst)
            {
                services.AddController<ScheduleStubController, V1alpha1ClusterBackupSchedule>(c => c.Owns<V1alpha1ClusterBackupNow>());
            }

            services.AddController<BackupStubController, V1alpha1ClusterBackupNow>();
            if (!ownerFirst)
            {
                services.AddController<ScheduleStubController, V1alpha1ClusterBackupSchedule>(c => c.Owns<V1alpha1ClusterBackupNow>());
            }
        });
        var backups = provider.GetRequiredService<IResourceCache<V1alpha1ClusterBackupNow>>();
        backups.Upsert(new V1alpha1ClusterBackupNow
        {
            Metadata = new V1ObjectMeta
            {
                Name = "nightly-20260501020000",
                NamespaceProperty = "db",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "ocp.oceanbase.com/v1alpha1", Kind = "ClusterBackupSchedule", Name = "nightly", Uid = "u1", Controller = true }],
            },
        });

        var watch = Assert.Single(provider.GetServices<IControllerWatch<V1alpha1ClusterBackupSchedule>>());
        Assert.IsType<OwnedKindWatch<V1alpha1ClusterBackupSchedule, V1alpha1ClusterBackupNow>>(watch);
        Assert.Empty(provider.GetServices<IControllerWatch<V1alpha1ClusterBackupNow>>());
        watch.Start(_ => { });

        Assert.Single(backups.ListByIndex(Owners.IndexName<V1alpha1ClusterBackupSchedule>(), "db/nightly"));
        Assert.Single(provider.GetServices<IHostedService>().OfType<ControllerLoop<V1alpha1ClusterBackupSchedule>>());
    }

    [Fact]
    public void The_schedule_controller_owns_ClusterBackupNow()
    {
        var services = new ServiceCollection();
        services.AddControllerRuntime(new ConfigurationBuilder().Build());

        services.AddClusterBackupScheduleController(new ConfigurationBuilder().Build());

        Assert.Single(services, d => d.ServiceType == typeof(IControllerWatch<V1alpha1ClusterBackupSchedule>));
        Assert.Single(services, d => d.ServiceType == typeof(IEntityController<V1alpha1ClusterBackupSchedule>)
            && d.ImplementationType == typeof(BackupOperator.Operator.Controllers.ClusterBackupSchedule.ClusterBackupScheduleController));
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData("3", 3)]
    public void Schedule_MaxActiveChildren_is_read_from_the_configuration_with_a_default_of_10(string? configured, int expected)
    {
        var options = ScheduleOptionsFrom(configured);

        Assert.Equal(expected, options.Value.MaxActiveChildren);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void A_Schedule_MaxActiveChildren_below_1_is_refused_at_start(string configured)
    {
        var options = ScheduleOptionsFrom(configured);

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => options.Value);
        Assert.Contains("MaxActiveChildren", e.Message, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Options.IOptions<BackupOperator.Operator.Controllers.ClusterBackupSchedule.ScheduleOptions> ScheduleOptionsFrom(string? configured)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Schedule:MaxActiveChildren"] = configured })
            .Build();
        var services = new ServiceCollection();
        services.AddControllerRuntime(configuration);
        services.AddClusterBackupScheduleController(configuration);
        return services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptions<BackupOperator.Operator.Controllers.ClusterBackupSchedule.ScheduleOptions>>();
    }

    private ServiceProvider Provider(Action<IServiceCollection> register)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LeaderElection:LeaseNamespace"] = "test" })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(TestResources.Start))
            .AddSingleton(TestKubeApi.Client(_api));
        services.AddControllerRuntime(configuration);
        register(services);
        return services.BuildServiceProvider();
    }

    public sealed class ScheduleStubController : IEntityController<V1alpha1ClusterBackupSchedule>
    {
        public Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupSchedule resource, CancellationToken cancellationToken) => Task.FromResult(ReconcileOutcome.Done);

        public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A second, tiny resource kind.</summary>
    [KubernetesEntity(Group = "test.example.com", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
    public sealed class V1Widget : IKubernetesObject<V1ObjectMeta>
    {
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "test.example.com/v1";

        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "Widget";

        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();
    }

    public sealed class WidgetController : IEntityController<V1Widget>
    {
        public Task<ReconcileOutcome> ReconcileAsync(V1Widget resource, CancellationToken cancellationToken) => Task.FromResult(ReconcileOutcome.Done);

        public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class BackupStubController : IEntityController<V1alpha1ClusterBackupNow>
    {
        public Task<ReconcileOutcome> ReconcileAsync(V1alpha1ClusterBackupNow resource, CancellationToken cancellationToken) => Task.FromResult(ReconcileOutcome.Done);

        public Task DeletedAsync(NamespacedName key, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
