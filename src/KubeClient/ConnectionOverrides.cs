namespace BackupOperator.KubeClient;

/// <summary>
/// kubectl's connection flags, applied over the kubeconfig when the connection is built: the same
/// names and meanings (--context, --cluster, --user, -n, --server, --token, --insecure-skip-tls-verify,
/// --as, --as-group, --request-timeout). Null leaves the kubeconfig's value.
/// </summary>
public sealed record ConnectionOverrides
{
    public static ConnectionOverrides None { get; } = new();

    public string? Context { get; init; }

    public string? Cluster { get; init; }

    public string? User { get; init; }

    public string? Namespace { get; init; }

    public string? Server { get; init; }

    /// <summary>A bearer token that replaces the user's credentials.</summary>
    public string? Token { get; init; }

    public bool? InsecureSkipTlsVerify { get; init; }

    /// <summary>--as: the user to impersonate (Impersonate-User).</summary>
    public string? Impersonate { get; init; }

    /// <summary>--as-group: the groups to impersonate (one Impersonate-Group header each).</summary>
    public IReadOnlyList<string> ImpersonateGroups { get; init; } = [];

    public TimeSpan? RequestTimeout { get; init; }
}
