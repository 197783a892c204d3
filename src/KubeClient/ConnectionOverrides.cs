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

    /// <summary>What a record would print, the --token's value hidden.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"Context = {Context}, Cluster = {Cluster}, User = {User}, Namespace = {Namespace}, Server = {(Uri.TryCreate(Server, UriKind.Absolute, out var url) ? KubeConnection.Redacted(url) : Server)}, ")
            .Append(System.Globalization.CultureInfo.InvariantCulture,
            $"Token = {(Token is null ? null : "(hidden)")}, InsecureSkipTlsVerify = {InsecureSkipTlsVerify}, Impersonate = {Impersonate}, ImpersonateGroups = [{string.Join(", ", ImpersonateGroups)}], RequestTimeout = {RequestTimeout}");
        return true;
    }
}
