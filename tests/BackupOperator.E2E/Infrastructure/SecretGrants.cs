using System.Net;
using BackupOperator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>A team's consent to a backup using its Secret: a Role with get on that one Secret, bound to the operator's ServiceAccount.</summary>
public static class SecretGrants
{
    /// <summary>What `kubectl ocp secret grant NAME -n NS` creates; objects that exist already are fine.</summary>
    public static async Task GrantAsync(IKubernetes admin, string ns, string secret, CancellationToken ct)
    {
        var name = SecretGrant.RoleName(secret);
        await IgnoreConflictAsync(() => admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = name },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], ResourceNames = [secret], Verbs = ["get"] }],
        }, ns, cancellationToken: ct));
        await IgnoreConflictAsync(() => admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = name },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = SecretGrant.OperatorServiceAccount, NamespaceProperty = SecretGrant.OperatorNamespace }],
        }, ns, cancellationToken: ct));
    }

    /// <summary>Takes the consent back: the RoleBinding goes (the Role may stay; it grants no one).</summary>
    public static async Task RevokeAsync(IKubernetes admin, string ns, string secret, CancellationToken ct) =>
        await admin.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync(SecretGrant.RoleName(secret), ns, cancellationToken: ct);

    private static async Task IgnoreConflictAsync(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // granted before
        }
    }
}
