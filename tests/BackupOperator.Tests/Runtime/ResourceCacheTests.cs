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
}
