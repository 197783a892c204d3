using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.KubeClient;

/// <summary>
/// Reads kubeconfig files as kubectl does: the files of KUBECONFIG merged (of clusters, users and contexts
/// with one name the first file's; current-context from the first file that sets it), one context's cluster
/// (server, CA) and user (token, token file, client certificate, basic credentials or an exec credential
/// plugin), with <see cref="ConnectionOverrides"/> over them. A relative path (certificate, key, token
/// file, exec command) is relative to the file that names it. Parsed as a YAML tree (no reflection).
/// auth-provider plugins are not supported.
/// </summary>
public static class Kubeconfig
{
    /// <summary>The first file of KUBECONFIG, else ~/.kube/config.</summary>
    public static string DefaultPath() => DefaultPaths(Environment.GetEnvironmentVariable)[0];

    /// <summary>The files of KUBECONFIG (in order, each once), else ~/.kube/config.</summary>
    public static IReadOnlyList<string> DefaultPaths(Func<string, string?> environment)
    {
        var list = environment("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        if (list is { Count: > 0 })
        {
            return list;
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return [Path.Combine(home, ".kube", "config")];
    }

    public static KubeConnection Load(string? path = null, string? context = null) =>
        Load(path is null ? null : [path], new ConnectionOverrides { Context = context });

    /// <summary>
    /// The connection of <paramref name="files"/> (default: <see cref="DefaultPaths"/>, whose missing files are
    /// skipped as kubectl skips them; a file named explicitly must exist) with <paramref name="overrides"/>.
    /// </summary>
    public static KubeConnection Load(IReadOnlyList<string>? files, ConnectionOverrides overrides)
    {
        var explicitFiles = files is not null;
        files ??= DefaultPaths(Environment.GetEnvironmentVariable);
        var existing = explicitFiles ? files : files.Where(File.Exists).ToList();
        if (existing.Count == 0)
        {
            throw new KubeconfigException($"no kubeconfig: {string.Join(Path.PathSeparator, files)} does not exist");
        }

        var merged = Merge(existing.Select(Read).ToList());
        var where = string.Join(Path.PathSeparator, existing);
        var contextName = NonEmpty(overrides.Context) ?? merged.CurrentContext
            ?? throw new KubeconfigException($"kubeconfig {where} has no current-context");
        var ctx = Find(merged.Contexts, "context", contextName, where);
        var clusterName = NonEmpty(overrides.Cluster) ?? Scalar(ctx.Node, "cluster")
            ?? throw new KubeconfigException($"context {contextName} names no cluster");
        var cluster = Find(merged.Clusters, "cluster", clusterName, where);
        var userName = NonEmpty(overrides.User) ?? Scalar(ctx.Node, "user");
        var user = userName is null ? null : Find(merged.Users, "user", userName, where);
        if (user is not null && user.Node.Children.ContainsKey("auth-provider"))
        {
            throw new KubeconfigException($"kubeconfig user {userName} uses an auth-provider plugin, which is not supported: use an exec plugin, a token, a token file or a client certificate");
        }

        if (user is not null && (user.Node.Children.ContainsKey("as-uid") || user.Node.Children.ContainsKey("as-user-extra")))
        {
            // Dropping part of an impersonation would act with more rights than the kubeconfig asks for.
            throw new KubeconfigException($"kubeconfig user {userName} impersonates with as-uid or as-user-extra, which is not supported: use as and as-groups");
        }

        var server = NonEmpty(overrides.Server) ?? Scalar(cluster.Node, "server") ?? throw new KubeconfigException($"cluster {clusterName} has no server");
        var skip = overrides.InsecureSkipTlsVerify ?? string.Equals(Scalar(cluster.Node, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase);
        var caPem = Pem(cluster, "certificate-authority");
        if (skip && caPem is not null && overrides.InsecureSkipTlsVerify is null)
        {
            // As kubectl: a file that trusts a CA and skips verification says two things; --insecure-skip-tls-verify drops the CA.
            throw new KubeconfigException($"cluster {clusterName}: certificate-authority together with insecure-skip-tls-verify is not allowed (kubectl refuses it too): keep one");
        }

        var token = NonEmpty(overrides.Token);
        var u = token is null ? user : null; // --token replaces the user's credentials
        return new KubeConnection(new Uri(server))
        {
            CertificateAuthority = caPem is not null && !(overrides.InsecureSkipTlsVerify ?? false) ? Authorities(caPem) : null,
            SkipTlsVerify = skip,
            Token = token ?? (u is null ? null : Scalar(u.Node, "token")),
            TokenFile = u is null ? null : Resolve(Scalar(u.Node, "tokenFile"), u.Directory),
            Username = u is null ? null : Scalar(u.Node, "username"),
            Password = u is null ? null : Scalar(u.Node, "password"),
            ClientCertificate = u is null ? null : ClientCertificate(u, userName!),
            Exec = u is not null && u.Node.Children.TryGetValue("exec", out var exec) && exec is YamlMappingNode execNode
                ? ExecConfig(execNode, u.Directory, userName!, server, skip, caPem)
                : null,
            Namespace = NonEmpty(overrides.Namespace) ?? Scalar(ctx.Node, "namespace"),
            // As kubectl: the user's as and as-groups, unless --as or --as-group say otherwise.
            Impersonate = NonEmpty(overrides.Impersonate) ?? (user is null ? null : Scalar(user.Node, "as")),
            ImpersonateGroups = overrides.ImpersonateGroups.Count > 0 || user is null ? overrides.ImpersonateGroups
                : user.Node.Children.TryGetValue("as-groups", out var groups) && groups is YamlSequenceNode list
                    ? list.OfType<YamlScalarNode>().Select(g => g.Value).OfType<string>().Where(g => g.Length > 0).ToList()
                    : [],
            RequestTimeout = overrides.RequestTimeout,
        };
    }

    /// <summary>An entry of a kubeconfig and the directory of the file that holds it.</summary>
    private sealed record Entry(YamlMappingNode Node, string Directory);

    private sealed record Merged(string? CurrentContext, Dictionary<string, Entry> Clusters, Dictionary<string, Entry> Users, Dictionary<string, Entry> Contexts);

    private sealed record KubeconfigFile(string Path, YamlMappingNode Root);

    private static KubeconfigFile Read(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlException)
        {
            throw new KubeconfigException($"kubeconfig {path}: {OneLine(e.Message)}", e);
        }

        // An empty file contributes nothing (kubectl reads it as an empty config).
        var root = yaml.Documents.Count > 0 ? yaml.Documents[0].RootNode as YamlMappingNode : null;
        return new KubeconfigFile(path, root ?? new YamlMappingNode());
    }

    private static Merged Merge(IReadOnlyList<KubeconfigFile> files)
    {
        var merged = new Merged(null, new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(file.Path))!;
            merged = merged with { CurrentContext = merged.CurrentContext ?? Scalar(file.Root, "current-context") };
            Add(merged.Clusters, file.Root, "clusters", "cluster", directory);
            Add(merged.Users, file.Root, "users", "user", directory);
            Add(merged.Contexts, file.Root, "contexts", "context", directory);
        }

        return merged;
    }

    private static void Add(Dictionary<string, Entry> entries, YamlMappingNode root, string list, string field, string directory)
    {
        if (root.Children.TryGetValue(list, out var items) && items is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.OfType<YamlMappingNode>())
            {
                if (Scalar(item, "name") is { } name && item.Children.TryGetValue(field, out var value))
                {
                    entries.TryAdd(name, new Entry(value as YamlMappingNode ?? new YamlMappingNode(), directory));
                }
            }
        }
    }

    private static Entry Find(Dictionary<string, Entry> entries, string field, string name, string where) =>
        entries.TryGetValue(name, out var entry) ? entry : throw new KubeconfigException($"kubeconfig {where} has no {field} named {name}");

    private static ExecConfig ExecConfig(YamlMappingNode exec, string directory, string userName, string server, bool skip, string? caPem)
    {
        var command = Scalar(exec, "command") ?? throw new KubeconfigException($"kubeconfig user {userName}: exec has no command");
        var env = new List<KeyValuePair<string, string>>();
        if (exec.Children.TryGetValue("env", out var envNode) && envNode is YamlSequenceNode envs)
        {
            foreach (var e in envs.OfType<YamlMappingNode>())
            {
                if (Scalar(e, "name") is { } name)
                {
                    env.Add(new(name, e.Children.TryGetValue("value", out var v) && v is YamlScalarNode s ? s.Value ?? "" : ""));
                }
            }
        }

        return new ExecConfig(
            // As client-go: a command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
            command.Contains('/', StringComparison.Ordinal) ? Resolve(command, directory)! : command,
            exec.Children.TryGetValue("args", out var argsNode) && argsNode is YamlSequenceNode args
                ? args.OfType<YamlScalarNode>().Select(a => a.Value ?? "").ToList()
                : [],
            env,
            Scalar(exec, "apiVersion") ?? throw new KubeconfigException($"kubeconfig user {userName}: exec has no apiVersion"))
        {
            InstallHint = Scalar(exec, "installHint"),
            InteractiveMode = Scalar(exec, "interactiveMode"),
            Cluster = string.Equals(Scalar(exec, "provideClusterInfo"), "true", StringComparison.OrdinalIgnoreCase)
                ? new ExecClusterInfo(server, skip, caPem)
                : null,
        };
    }

    /// <summary>The user's client certificate and key; one without the other is an error, as kubectl makes it (not an anonymous request).</summary>
    private static X509Certificate2? ClientCertificate(Entry user, string userName) =>
        (Pem(user, "client-certificate"), Pem(user, "client-key")) switch
        {
            (null, null) => null,
            ({ } cert, { } key) => X509Certificate2.CreateFromPem(cert, key),
            _ => throw new KubeconfigException($"kubeconfig user {userName}: client-certificate and client-key (or their -data) must both be given"),
        };

    private static X509Certificate2Collection Authorities(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    /// <summary>"name-data" (base64 PEM) or "name" (a file, relative to the kubeconfig that names it).</summary>
    private static string? Pem(Entry entry, string name) =>
        Scalar(entry.Node, name + "-data") is { } data
            ? Encoding.UTF8.GetString(Convert.FromBase64String(data))
            : Resolve(Scalar(entry.Node, name), entry.Directory) is { } file ? File.ReadAllText(file) : null;

    private static string? Resolve(string? path, string directory) =>
        string.IsNullOrEmpty(path) ? null : Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    internal static string OneLine(string s) =>
        string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>A kubeconfig that cannot be used: missing, unreadable, or naming what it does not hold. One line.</summary>
public sealed class KubeconfigException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
