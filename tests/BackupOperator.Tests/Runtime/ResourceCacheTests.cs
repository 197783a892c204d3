using BackupOperator.Entities;
using BackupOperator.Operator.Runtime;
using k8s.Models;

namespace BackupOperator.Tests.Runtime;

public sealed class ResourceCacheTests
{
    internal static V1alpha1ClusterBackupNow Resource(string name, string rv, string uid = "uid-1", string? phase = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "db", ResourceVersion = rv, Uid = uid },
        Status = phase is null ? null : new ClusterBackupNowStatus { Phase = phase },
    };

    [Fact]
    public void A_late_watch_event_cannot_roll_back_an_object_the_operator_wrote()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>();
        Assert.True(cache.Upsert(Resource("a", "10", phase: "Running")));
        Assert.False(cache.Upsert(Resource("a", "9", phase: "Submitting")));
        cache.TryGet(new NamespacedName("db", "a"), out var current);
        Assert.Equal("Running", current!.Status!.Phase);
        Assert.True(cache.Upsert(Resource("a", "11", phase: "Succeeded")));
        cache.TryGet(new NamespacedName("db", "a"), out current);
        Assert.Equal("Succeeded", current!.Status!.Phase);
    }

    [Fact]
    public void A_recreated_object_replaces_the_old_one_whatever_its_resource_version()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>();
        cache.Upsert(Resource("a", "50", uid: "old"));
        Assert.True(cache.Upsert(Resource("a", "7", uid: "new")));
        cache.TryGet(new NamespacedName("db", "a"), out var current);
        Assert.Equal("new", current!.Metadata.Uid);
    }

    [Fact]
    public void Remove_and_list()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>();
        cache.Upsert(Resource("a", "1"));
        cache.Upsert(Resource("b", "2", uid: "u2"));
        cache.Remove(new NamespacedName("db", "a"));
        Assert.Equal(["b"], cache.List().Select(r => r.Metadata.Name));
    }

    [Fact]
    public void The_index_follows_upserts_spec_edits_and_removals()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(r => r.Spec.ClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        V1alpha1ClusterBackupNow OnCluster(string name, string rv, long cluster, string uid)
        {
            var r = Resource(name, rv, uid);
            r.Spec = new ClusterBackupNowSpec { ClusterId = cluster };
            return r;
        }

        cache.Upsert(OnCluster("a", "1", 7, "uid-a"));
        cache.Upsert(OnCluster("b", "2", 7, "uid-b"));
        cache.Upsert(OnCluster("c", "3", 8, "uid-c"));
        Assert.Equal(["a", "b"], cache.ListByIndex("7").Select(r => r.Metadata.Name).Order());

        cache.Upsert(OnCluster("b", "4", 8, "uid-b")); // its spec moved it to cluster 8
        Assert.Equal(["a"], cache.ListByIndex("7").Select(r => r.Metadata.Name));
        Assert.Equal(["b", "c"], cache.ListByIndex("8").Select(r => r.Metadata.Name).Order());

        Assert.False(cache.Upsert(OnCluster("b", "3", 7, "uid-b"))); // older: neither object nor index change
        Assert.Equal(["b", "c"], cache.ListByIndex("8").Select(r => r.Metadata.Name).Order());

        cache.Remove(new NamespacedName("db", "a"));
        Assert.Empty(cache.ListByIndex("7"));
        Assert.Equal(2, cache.List().Count);
    }

    [Fact]
    public void A_named_index_covers_the_objects_already_cached_and_follows_upserts_and_removals()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>();
        cache.Upsert(Phased("a", "1", "Running"));
        cache.Upsert(Phased("b", "1", "Succeeded"));

        cache.AddIndex("phase", r => r.Status?.Phase);

        Assert.Equal(["a"], Names(cache.ListByIndex("phase", "Running")));
        Assert.Equal(["b"], Names(cache.ListByIndex("phase", "Succeeded")));

        cache.Upsert(Phased("a", "2", "Succeeded")); // moves to another value
        cache.Upsert(Phased("c", "1", "Running"));
        Assert.Equal(["a", "b"], Names(cache.ListByIndex("phase", "Succeeded")));
        Assert.Equal(["c"], Names(cache.ListByIndex("phase", "Running")));

        Assert.False(cache.Upsert(Phased("a", "1", "Running"))); // older: the index does not move either
        Assert.Equal(["c"], Names(cache.ListByIndex("phase", "Running")));

        cache.Remove(new NamespacedName("db", "b"));
        Assert.Equal(["a"], Names(cache.ListByIndex("phase", "Succeeded")));
        Assert.Empty(cache.ListByIndex("phase", "Failed"));
    }

    [Fact]
    public void An_object_whose_value_is_null_is_not_in_the_index_until_it_has_one()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>();
        cache.AddIndex("phase", r => r.Status?.Phase);

        cache.Upsert(Resource("a", "1"));
        Assert.Empty(cache.ListByIndex("phase", ""));
        cache.Upsert(Phased("a", "2", "Running"));
        Assert.Equal(["a"], Names(cache.ListByIndex("phase", "Running")));
        cache.Upsert(Resource("a", "3")); // its value is gone again: so is its entry
        Assert.Empty(cache.ListByIndex("phase", "Running"));
        Assert.Single(cache.List());
    }

    [Fact]
    public void An_unknown_index_is_an_error_and_a_name_added_twice_keeps_the_first()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(r => r.Metadata.Uid);
        cache.Upsert(Phased("a", "1", "Running"));

        var unknown = Assert.Throws<InvalidOperationException>(() => cache.ListByIndex("phase", "Running"));
        Assert.Contains("\"phase\"", unknown.Message, StringComparison.Ordinal);

        cache.AddIndex("phase", r => r.Status?.Phase);
        cache.AddIndex("phase", r => r.Metadata.Name);
        Assert.Equal(["a"], Names(cache.ListByIndex("phase", "Running")));
        Assert.Empty(cache.ListByIndex("phase", "a"));

        // The constructor's index is still the default one.
        Assert.Equal(["a"], Names(cache.ListByIndex("uid-a")));
        Assert.Equal(["a"], Names(cache.ListByIndex(ResourceCache<V1alpha1ClusterBackupNow>.DefaultIndex, "uid-a")));
        Assert.Throws<InvalidOperationException>(() => new ResourceCache<V1alpha1ClusterBackupNow>().ListByIndex("uid-a"));
    }

    private static V1alpha1ClusterBackupNow Phased(string name, string rv, string phase) => Resource(name, rv, uid: "uid-" + name, phase: phase);

    private static IEnumerable<string> Names(IEnumerable<V1alpha1ClusterBackupNow> items) => items.Select(i => i.Metadata.Name).Order(StringComparer.Ordinal);

    /// <summary>A compact form that keeps the name, phase and cluster of a finished object.</summary>
    private sealed class Done(V1alpha1ClusterBackupNow r) : CompactForm<V1alpha1ClusterBackupNow>
    {
        private readonly string? _name = r.Metadata.Name;
        private readonly long _cluster = r.Spec.ClusterId;

        public static int Expansions { get; set; }

        public override string? Uid { get; } = r.Metadata.Uid;

        public override string? ResourceVersion { get; } = r.Metadata.ResourceVersion;

        public static CompactForm<V1alpha1ClusterBackupNow>? Of(V1alpha1ClusterBackupNow r) => r.Status?.Phase == "Succeeded" ? new Done(r) : null;

        public override V1alpha1ClusterBackupNow Expand()
        {
            Expansions++;
            return new()
            {
                Metadata = new V1ObjectMeta { Name = _name, NamespaceProperty = "db", Uid = Uid, ResourceVersion = ResourceVersion },
                Spec = new ClusterBackupNowSpec { ClusterId = _cluster },
                Status = new ClusterBackupNowStatus { Phase = "Succeeded" },
            };
        }
    }

    private static V1alpha1ClusterBackupNow OnCluster(string name, string rv, long cluster, string? phase)
    {
        var r = Resource(name, rv, "uid-" + name, phase);
        r.Spec = new ClusterBackupNowSpec { ClusterId = cluster, DataBackupMode = "FULL_BACKUP" };
        return r;
    }

    [Fact]
    public void An_object_kept_in_its_compact_form_reads_back_as_a_new_partial_object_found_by_key_and_index()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(r => r.Spec.ClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture), compact: Done.Of);
        var whole = OnCluster("a", "5", 7, "Succeeded");
        cache.Upsert(whole);
        cache.Upsert(OnCluster("b", "6", 7, "Running"));

        Assert.Equal(1, cache.CompactCount);
        Assert.True(cache.TryGet(new NamespacedName("db", "a"), out var first));
        cache.TryGet(new NamespacedName("db", "a"), out var second);
        Assert.NotSame(whole, first);
        Assert.NotSame(first, second);
        Assert.Equal(("a", "Succeeded", 7L, "5"), (first!.Metadata.Name, first.Status!.Phase, first.Spec.ClusterId, first.Metadata.ResourceVersion));
        Assert.Null(first.Spec.DataBackupMode); // what the form did not keep is gone
        Assert.Equal(["a", "b"], cache.ListByIndex("7").Select(r => r.Metadata.Name).Order());
        Assert.Equal(["a", "b"], cache.Keys().Select(k => k.Name).Order());
    }

    [Fact]
    public void A_late_watch_event_cannot_roll_back_an_object_kept_in_its_compact_form()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(compact: Done.Of);
        cache.Upsert(OnCluster("a", "10", 7, "Succeeded"));

        Assert.False(cache.Upsert(OnCluster("a", "9", 7, "Running")));
        cache.TryGet(new NamespacedName("db", "a"), out var current);
        Assert.Equal("Succeeded", current!.Status!.Phase);

        // A newer version (here, one that needs work again) replaces it, whole.
        Assert.True(cache.Upsert(OnCluster("a", "11", 7, "Pending")));
        Assert.Equal(0, cache.CompactCount);
        cache.TryGet(new NamespacedName("db", "a"), out current);
        Assert.Equal(("Pending", "FULL_BACKUP"), (current!.Status!.Phase, current.Spec.DataBackupMode));
    }

    [Fact]
    public void A_count_follows_objects_in_both_forms_as_they_come_change_and_go_and_reads_expand_nothing()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(compact: Done.Of);
        cache.AddCount("phase", r => r.Status?.Phase);
        for (var i = 0; i < 100; i++)
        {
            cache.Upsert(OnCluster("done-" + i, "1", 7, "Succeeded"));
        }

        cache.Upsert(OnCluster("a", "1", 7, "Running"));
        cache.Upsert(OnCluster("b", "1", 7, null));
        Assert.Equal(new Dictionary<string, int> { ["Succeeded"] = 100, ["Running"] = 1 }, cache.CountsOf("phase"));

        cache.Upsert(OnCluster("a", "2", 7, "Succeeded"));
        cache.Remove(new NamespacedName("db", "done-0"));
        cache.Remove(new NamespacedName("db", "done-0"));
        Assert.Equal(new Dictionary<string, int> { ["Succeeded"] = 100 }, cache.CountsOf("phase"));

        Done.Expansions = 0;
        _ = cache.CountsOf("phase");
        _ = cache.Keys();
        Assert.Equal(0, Done.Expansions);
        Assert.Throws<InvalidOperationException>(() => cache.CountsOf("cluster"));
    }

    [Fact]
    public void A_count_added_late_counts_what_is_already_cached()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(compact: Done.Of);
        cache.Upsert(OnCluster("a", "1", 7, "Succeeded"));
        cache.Upsert(OnCluster("b", "1", 7, "Running"));

        cache.AddCount("phase", r => r.Status?.Phase);

        Assert.Equal(new Dictionary<string, int> { ["Succeeded"] = 1, ["Running"] = 1 }, cache.CountsOf("phase"));
    }

    [Fact]
    public void A_partition_by_index_gives_whole_objects_and_compact_forms_without_expanding_any()
    {
        var cache = new ResourceCache<V1alpha1ClusterBackupNow>(r => r.Spec.ClusterId.ToString(System.Globalization.CultureInfo.InvariantCulture), compact: Done.Of);
        cache.Upsert(OnCluster("a", "1", 7, "Succeeded"));
        cache.Upsert(OnCluster("b", "1", 7, "Running"));
        cache.Upsert(OnCluster("c", "1", 8, "Succeeded"));

        Done.Expansions = 0;
        var (whole, compact) = cache.PartitionByIndex("7");

        Assert.Equal(0, Done.Expansions);
        Assert.Equal("b", Assert.Single(whole).Metadata.Name);
        Assert.Equal("uid-a", Assert.Single(compact).Uid);
        Assert.Equal((0, 0), (cache.PartitionByIndex("9").Whole.Count, cache.PartitionByIndex("9").Compact.Count));
        Assert.Throws<InvalidOperationException>(() => new ResourceCache<V1alpha1ClusterBackupNow>().PartitionByIndex("7"));
    }
}
