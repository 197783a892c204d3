using BackupOperator.Entities;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Grants;

/// <summary>
/// The two objects that grant the operator one Secret (<see cref="SecretGrant"/>): a Role with get on
/// that Secret by name, and a RoleBinding of it to the operator's ServiceAccount. Pure: built and
/// compared here, created by the command.
/// </summary>
public static class SecretGrantObjects
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public static V1Role Role(string secret) => new()
    {
        ApiVersion = $"{RbacGroup}/v1",
        Kind = V1Role.KubeKind,
        Metadata = new V1ObjectMeta { Name = SecretGrant.RoleName(secret), Labels = Labels },
        Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], ResourceNames = [secret], Verbs = ["get"] }],
    };

    public static V1RoleBinding RoleBinding(string secret, string operatorNamespace, string serviceAccount) => new()
    {
        ApiVersion = $"{RbacGroup}/v1",
        Kind = V1RoleBinding.KubeKind,
        Metadata = new V1ObjectMeta { Name = SecretGrant.RoleName(secret), Labels = Labels },
        RoleRef = new V1RoleRef { ApiGroup = RbacGroup, Kind = V1Role.KubeKind, Name = SecretGrant.RoleName(secret) },
        Subjects = [new Rbacv1Subject { Kind = V1ServiceAccount.KubeKind, Name = serviceAccount, NamespaceProperty = operatorNamespace }],
    };

    /// <summary>An existing Role of that name grants get on the Secret (whatever else it grants).</summary>
    public static bool Grants(V1Role role, string secret) =>
        (role.Rules ?? []).Any(r => Has(r.ApiGroups, "") && (Has(r.Resources, "secrets") || Has(r.Resources, "*"))
            && (r.ResourceNames is null || r.ResourceNames.Count == 0 || r.ResourceNames.Contains(secret))
            && (Has(r.Verbs, "get") || Has(r.Verbs, "*")));

    /// <summary>An existing RoleBinding of that name binds that Role to the ServiceAccount.</summary>
    public static bool Binds(V1RoleBinding binding, string secret, string operatorNamespace, string serviceAccount) =>
        binding.RoleRef is { Kind: V1Role.KubeKind } roleRef && roleRef.Name == SecretGrant.RoleName(secret)
        && (binding.Subjects ?? []).Any(s => s.Kind == V1ServiceAccount.KubeKind && s.Name == serviceAccount && s.NamespaceProperty == operatorNamespace);

    private static Dictionary<string, string> Labels => new() { ["app.kubernetes.io/managed-by"] = "kubectl-ocp" };

    private static bool Has(IList<string>? values, string value) => values?.Contains(value) ?? false;
}
