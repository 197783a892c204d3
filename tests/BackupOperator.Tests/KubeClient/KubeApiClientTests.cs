using System.Text.Json;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using Xunit.Abstractions;

namespace BackupOperator.Tests.KubeClient;

public sealed class KubeApiClientTests(ITestOutputHelper output)
{
    /// <summary>A ClusterBackupNow as the API server sends it after the operator's first status write: two writers' managedFields.</summary>
    private const string Backup = """
        {"apiVersion":"ocp.oceanbase.com/v1alpha1","kind":"ClusterBackupNow","metadata":{"creationTimestamp":"2026-12-06T20:00:00Z","generation":1,
        "managedFields":[{"apiVersion":"ocp.oceanbase.com/v1alpha1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{".":{},"f:backupMode":{},"f:clusterId":{},
        "f:dataBackupMode":{},"f:obBackupServiceStorageConfig":{".":{},"f:obBackupStorageBaseInfo":{".":{},"f:backupStorageType":{},"f:path":{}}},
        "f:ocpSecretRef":{".":{},"f:name":{}}}},"manager":"bench","operation":"Update","time":"2026-12-06T20:00:00Z"},
        {"apiVersion":"ocp.oceanbase.com/v1alpha1","fieldsType":"FieldsV1","fieldsV1":{"f:status":{".":{},"f:conditions":{},"f:highWaterMark":{},
        "f:message":{},"f:observedGeneration":{},"f:ocpEndpoint":{},"f:phase":{},"f:reason":{},"f:requestId":{},"f:submittedAt":{},"f:submittedGeneration":{},
        "f:submittedSpec":{".":{},"f:backupMode":{},"f:clusterId":{},"f:dataBackupMode":{}}}},"manager":"BackupOperator","operation":"Update",
        "subresource":"status","time":"2026-12-06T20:00:01Z"}],
        "name":"op1-00001","namespace":"bench","resourceVersion":"4242","uid":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"},
        "spec":{"backupMode":"FULL_BACKUP","clusterId":7,"dataBackupMode":"FULL","ocpSecretRef":{"name":"ocp"},
        "obBackupServiceStorageConfig":{"obBackupStorageBaseInfo":{"backupStorageType":"NFS","path":"/backup"}}},
        "status":{"phase":"Submitting","reason":"Submitting","message":"recorded the intent","observedGeneration":1,"submittedGeneration":1,
        "requestId":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","highWaterMark":0,"ocpEndpoint":"http://127.0.0.1:1"}}
        """;

    [Fact]
    public void A_client_that_skips_managed_fields_reads_everything_else_of_the_object()
    {
        var element = JsonDocument.Parse(Backup).RootElement;

        var whole = TestKubeApi.Client().Deserialize<V1alpha1ClusterBackupNow>(element);
        var skipping = Client(skipManagedFields: true).Deserialize<V1alpha1ClusterBackupNow>(element);

        Assert.Equal(2, whole.Metadata.ManagedFields.Count);
        Assert.Null(skipping.Metadata.ManagedFields);
        whole.Metadata.ManagedFields = null;
        Assert.Equal(TestKubeApi.Client().SerializeToUtf8Bytes(whole), Client(skipManagedFields: true).SerializeToUtf8Bytes(skipping));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("\"not a list\"")]
    [InlineData("5")]
    [InlineData("[[[{\"fieldsV1\":{\"f:a\":[1,{\"b\":null}]}}]]]")]
    [InlineData("[],\"managedFields\":[{\"manager\":\"twice\"}]")]
    public void Metadata_managed_fields_of_any_shape_are_skipped_and_a_managedFields_key_elsewhere_is_kept(string managedFields)
    {
        // Only metadata.managedFields is skipped: an annotation, a label value or a spec field of that name is data.
        var json = "{\"apiVersion\":\"ocp.oceanbase.com/v1alpha1\",\"kind\":\"ClusterBackupNow\",\"metadata\":{\"managedFields\":" + managedFields
            + ",\"name\":\"a\",\"namespace\":\"n\",\"resourceVersion\":\"7\",\"annotations\":{\"managedFields\":\"[kept]\"},"
            + "\"labels\":{\"l\":\"managedFields\"}},\"spec\":{\"backupMode\":\"FULL_BACKUP\",\"clusterId\":7,\"dataBackupMode\":\"FULL\","
            + "\"ocpSecretRef\":{\"name\":\"ocp\"}}}";

        var backup = Client(skipManagedFields: true).Deserialize<V1alpha1ClusterBackupNow>(JsonDocument.Parse(json).RootElement);

        Assert.Equal(("a", "7"), (backup.Metadata.Name, backup.Metadata.ResourceVersion));
        Assert.Equal("[kept]", backup.Metadata.Annotations["managedFields"]);
        Assert.Equal("managedFields", backup.Metadata.Labels["l"]);
        Assert.Null(backup.Metadata.ManagedFields);
        Assert.DoesNotContain("managedFields\":[", System.Text.Encoding.UTF8.GetString(Client(skipManagedFields: true).SerializeToUtf8Bytes(backup)));
    }

    /// <summary>Prints what one read of the object allocates with and without managedFields (issue 25: read on every watch event and status write).</summary>
    [Fact]
    public void Skipping_managed_fields_allocates_less_per_read()
    {
        var element = JsonDocument.Parse(Backup).RootElement;
        long Allocated(KubeApiClient client)
        {
            client.Deserialize<V1alpha1ClusterBackupNow>(element); // metadata resolved, caches warm
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                client.Deserialize<V1alpha1ClusterBackupNow>(element);
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        }

        var whole = Allocated(TestKubeApi.Client());
        var skipping = Allocated(Client(skipManagedFields: true));
        output.WriteLine($"bytes allocated per read: {whole} with managedFields, {skipping} without");
    }

    private static KubeApiClient Client(bool skipManagedFields) =>
        new(new HttpClient(new HttpClientHandler()) { BaseAddress = new Uri("https://kube.test/") }, [EntityJsonContext.Default], skipManagedFields: skipManagedFields);
}
