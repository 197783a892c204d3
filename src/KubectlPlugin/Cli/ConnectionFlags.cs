using System.CommandLine;
using BackupOperator.KubeClient;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>
/// kubectl's other global connection flags, with its names and meanings: --as, --as-group, -s/--server,
/// --token, --insecure-skip-tls-verify, --request-timeout, --cluster, --user. Each one overrides the kubeconfig.
/// </summary>
public sealed class ConnectionFlags
{
    public Option<string?> As { get; } = new("--as")
    {
        Description = "Username to impersonate for the operation (a user or a service account: system:serviceaccount:NS:NAME).",
        HelpName = "USER",
        Recursive = true,
    };

    public Option<string[]> AsGroup { get; } = new("--as-group")
    {
        Description = "Group to impersonate for the operation; repeat the flag for several groups.",
        HelpName = "GROUP",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = "The address and port of the Kubernetes API server.",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token for authentication to the API server.",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<bool> InsecureSkipTlsVerify { get; } = new("--insecure-skip-tls-verify")
    {
        Description = "Do not check the server's certificate (makes HTTPS connections insecure).",
        Recursive = true,
    };

    public Option<TimeSpan?> RequestTimeout { get; } = new("--request-timeout")
    {
        Description = "How long to wait for one answer from the server (1s, 2m, 3h; a bare number is seconds); 0 means no timeout. Default: 30s.",
        HelpName = "DURATION",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                && seconds <= int.MaxValue)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (GoDuration.TryParse(text, out var d))
            {
                return d;
            }

            result.AddError($"invalid --request-timeout '{text}': use a duration like 1s, 2m or 3h (0: no timeout)");
            return null;
        },
    };

    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "The kubeconfig cluster to use.",
        HelpName = "NAME",
        Recursive = true,
    };

    public Option<string?> User { get; } = new("--user")
    {
        Description = "The kubeconfig user to use.",
        HelpName = "NAME",
        Recursive = true,
    };

    public IEnumerable<Option> All => [As, AsGroup, Server, Token, InsecureSkipTlsVerify, RequestTimeout, Cluster, User];

    /// <summary>The flags given, as overrides of the kubeconfig; --request-timeout 0 is no limit.</summary>
    public ConnectionOverrides Read(ParseResult p, string? context) => new()
    {
        Context = context,
        Cluster = p.GetValue(Cluster),
        User = p.GetValue(User),
        Server = p.GetValue(Server),
        Token = p.GetValue(Token),
        InsecureSkipTlsVerify = p.GetValue(InsecureSkipTlsVerify) ? true : null,
        Impersonate = p.GetValue(As),
        ImpersonateGroups = p.GetValue(AsGroup) ?? [],
        RequestTimeout = p.GetValue(RequestTimeout) is { } t ? (t == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : t) : null,
    };
}
