using System.Text.RegularExpressions;

namespace BackupOperator.Entities;

/// <summary>
/// The consent a team gives before a ClusterBackupNow may use a Secret of its namespace
/// (ocpSecretRef, accessKeySecretRef): a Role that grants the operator's ServiceAccount <c>get</c>
/// on that one Secret (resourceNames), and a RoleBinding to it. Kubernetes itself enforces it: only
/// who may read the Secret may grant it (RBAC's escalation check), and without it the operator's
/// read is refused. The operator and `kubectl ocp secret grant` name both objects alike.
/// </summary>
public static partial class SecretGrant
{
    /// <summary>The operator's namespace in config/rbac (its ServiceAccount, the credentials Role).</summary>
    public const string OperatorNamespace = "backup-operator-system";

    /// <summary>The operator's ServiceAccount in config/rbac.</summary>
    public const string OperatorServiceAccount = "backup-operator";

    /// <summary>The Role and the RoleBinding that grant one Secret (both carry this name).</summary>
    public static string RoleName(string secret) => $"backup-operator-read-{secret}";

    /// <summary>The two kubectl commands that grant Secret <paramref name="ns"/>/<paramref name="secret"/> to the ServiceAccount.</summary>
    public static IReadOnlyList<string> Commands(string ns, string secret, string serviceAccountNamespace, string serviceAccount) =>
    [
        $"kubectl -n {ns} create role {RoleName(secret)} --verb=get --resource=secrets --resource-name={secret}",
        $"kubectl -n {ns} create rolebinding {RoleName(secret)} --role={RoleName(secret)} --serviceaccount={serviceAccountNamespace}:{serviceAccount}",
    ];

    /// <summary>A name a Secret can have (a DNS-1123 subdomain): only such a name is read, or put into a command.</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 253 } && SecretName().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SecretName();
}
