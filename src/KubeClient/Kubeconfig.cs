using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.KubeClient;

/// <summary>
/// Reads a kubeconfig file as kubectl does for one context: the cluster's server and CA, the user's
/// token, token file, client certificate or basic credentials. Parsed as a YAML tree (no
/// reflection-based deserializer). exec and auth-provider plugins are not supported.
/// </summary>
public static class Kubeconfig
{
    /// <summary>The first file of KUBECONFIG, else ~/.kube/config.</summary>
    public static string DefaultPath() =>
        Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    public static KubeConnection Load(string? path = null, string? context = null)
    {
        path ??= DefaultPath();
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        var root = yaml.Documents.Count > 0 ? yaml.Documents[0].RootNode as YamlMappingNode : null;
        if (root is null)
        {
            throw new InvalidOperationException($"kubeconfig {path} is empty");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        context ??= Scalar(root, "current-context") ?? throw new InvalidOperationException($"kubeconfig {path} has no current-context");
        var ctx = Named(root, "contexts", "context", context, path);
        var clusterName = Scalar(ctx, "cluster") ?? throw new InvalidOperationException($"context {context} names no cluster");
        var cluster = Named(root, "clusters", "cluster", clusterName, path);
        var userName = Scalar(ctx, "user");
        var user = userName is null ? null : Named(root, "users", "user", userName, path);
        if (user is not null && (user.Children.ContainsKey("exec") || user.Children.ContainsKey("auth-provider")))
        {
            throw new NotSupportedException($"kubeconfig user {userName} uses an exec or auth-provider plugin, which the operator does not run: use a token, a token file or a client certificate");
        }

        var server = Scalar(cluster, "server") ?? throw new InvalidOperationException($"cluster {clusterName} has no server");
        return new KubeConnection(new Uri(server))
        {
            CertificateAuthority = Pem(cluster, "certificate-authority", directory) is { } caPem ? Authorities(caPem) : null,
            SkipTlsVerify = string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase),
            Token = user is null ? null : Scalar(user, "token"),
            TokenFile = user is null ? null : File(Scalar(user, "tokenFile"), directory),
            Username = user is null ? null : Scalar(user, "username"),
            Password = user is null ? null : Scalar(user, "password"),
            ClientCertificate = user is not null && Pem(user, "client-certificate", directory) is { } certPem && Pem(user, "client-key", directory) is { } keyPem
                ? X509Certificate2.CreateFromPem(certPem, keyPem)
                : null,
            Namespace = Scalar(ctx, "namespace"),
        };
    }

    private static X509Certificate2Collection Authorities(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    /// <summary>"name-data" (base64 PEM) or "name" (a file, relative to the kubeconfig).</summary>
    private static string? Pem(YamlMappingNode node, string name, string directory) =>
        Scalar(node, name + "-data") is { } data
            ? Encoding.UTF8.GetString(Convert.FromBase64String(data))
            : File(Scalar(node, name), directory) is { } file ? System.IO.File.ReadAllText(file) : null;

    private static string? File(string? path, string directory) =>
        string.IsNullOrEmpty(path) ? null : Path.IsPathRooted(path) ? path : Path.Combine(directory, path);

    private static YamlMappingNode Named(YamlMappingNode root, string list, string field, string name, string path)
    {
        if (root.Children.TryGetValue(list, out var items) && items is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.OfType<YamlMappingNode>())
            {
                if (Scalar(item, "name") == name && item.Children.TryGetValue(field, out var value))
                {
                    return value as YamlMappingNode ?? new YamlMappingNode();
                }
            }
        }

        throw new InvalidOperationException($"kubeconfig {path} has no {field} named {name}");
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;
}
