using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Cli;
using k8s;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>A ClusterBackupNow from a file (`-f FILE`, `-f -` for stdin), ready to create under a name.</summary>
public static class BackupManifest
{
    private static readonly Dictionary<string, Type> Types = new()
    {
        [$"{V1alpha1ClusterBackupNow.ApiGroup}/{V1alpha1ClusterBackupNow.Version}/{V1alpha1ClusterBackupNow.EntityKind}"] = typeof(V1alpha1ClusterBackupNow),
    };

    /// <summary>
    /// Reads exactly one ClusterBackupNow (YAML or JSON). Unknown fields are refused, as kubectl's
    /// strict validation does. <paramref name="name"/>, when given, replaces the manifest's name;
    /// what the API server set on an object it returned (uid, resourceVersion, status, ...) is
    /// dropped, so the output of `kubectl get cbn X -o yaml` can be created again under a new name.
    /// </summary>
    public static V1alpha1ClusterBackupNow Parse(string text, string source, string? name)
    {
        List<object> objects;
        try
        {
            objects = KubernetesYaml.LoadAllFromString(text, Types, strict: true).ToList();
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new PluginException($"{source}: not a ClusterBackupNow manifest: {Kubernetes.ApiErrors.OneLine(Innermost(e))}");
        }

        if (objects.Count != 1 || objects[0] is not V1alpha1ClusterBackupNow backup)
        {
            var kinds = string.Join(", ", objects.Select(o => (o as IKubernetesObject)?.Kind ?? o.GetType().Name));
            throw new PluginException(objects.Count == 0
                ? $"{source}: no object in the file"
                : $"{source}: expected one {V1alpha1ClusterBackupNow.EntityKind} ({V1alpha1ClusterBackupNow.ApiGroup}/{V1alpha1ClusterBackupNow.Version}), found {kinds}");
        }

        var md = backup.Metadata ??= new V1ObjectMeta();
        md.Name = string.IsNullOrWhiteSpace(name) ? md.Name : name;
        if (string.IsNullOrWhiteSpace(md.Name))
        {
            throw new PluginException($"{source}: the manifest has no metadata.name: give the backup a NAME");
        }

        md.Uid = null;
        md.ResourceVersion = null;
        md.CreationTimestamp = null;
        md.Generation = null;
        md.ManagedFields = null;
        md.DeletionTimestamp = null;
        md.SelfLink = null;
        backup.Status = null;
        return backup;
    }

    /// <summary>The text of FILE, or of standard input for "-".</summary>
    public static string Read(string file, TextReader stdin)
    {
        try
        {
            return file == "-" ? stdin.ReadToEnd() : File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"cannot read {file}: {e.Message}");
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not YamlDotNet.Core.YamlException)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
