using BackupOperator.Operator.Runtime;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;
using k8s.Models;

namespace BackupOperator.Tests.Runtime;

public sealed class CacheTrimTests
{
    [Fact]
    public void Managed_fields_and_the_last_applied_copy_leave_the_cached_object_and_everything_else_stays()
    {
        var backup = TestResources.Backup();
        backup.Metadata.ResourceVersion = "42";
        backup.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
        backup.Metadata.Annotations = new Dictionary<string, string>
        {
            [CacheTrim.LastAppliedAnnotation] = "{\"spec\":{}}",
            ["argocd.argoproj.io/tracking-id"] = "app:ocp.oceanbase.com/ClusterBackupNow:db/nightly",
        };

        CacheTrim.Trim(backup);

        Assert.Null(backup.Metadata.ManagedFields);
        Assert.Equal(["argocd.argoproj.io/tracking-id"], backup.Metadata.Annotations.Keys);
        Assert.Equal("42", backup.Metadata.ResourceVersion);
        Assert.Equal(8, backup.Spec.ClusterId);
    }

    [Fact]
    public void An_object_left_without_annotations_has_none()
    {
        var backup = TestResources.Backup();
        backup.Metadata.Annotations = new Dictionary<string, string> { [CacheTrim.LastAppliedAnnotation] = "{}" };
        CacheTrim.Trim(backup);
        Assert.Null(backup.Metadata.Annotations);
    }
}
