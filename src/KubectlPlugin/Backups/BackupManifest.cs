using System.Text.Json;
using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Kubernetes;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>A ClusterBackupNow from a file (`-f FILE`, `-f -` for stdin), ready to create under a name.</summary>
public static class BackupManifest
{
    private const string ApiVersion = $"{V1alpha1ClusterBackupNow.ApiGroup}/{V1alpha1ClusterBackupNow.Version}";

    /// <summary>
    /// Reads exactly one ClusterBackupNow (YAML or JSON). Unknown fields are refused, as kubectl's
    /// strict validation does. <paramref name="name"/>, when given, replaces the manifest's name;
    /// what the API server set on an object it returned (uid, resourceVersion, status, ...) is
    /// dropped, so the output of `kubectl get cbn X -o yaml` can be created again under a new name.
    /// </summary>
    public static V1alpha1ClusterBackupNow Parse(string text, string source, string? name)
    {
        List<JsonObject> objects;
        try
        {
            objects = YamlJson.Documents(text).Select(d => d as JsonObject ?? throw new FormatException("a document is not an object")).ToList();
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException)
        {
            throw new PluginException($"{source}: not a ClusterBackupNow manifest: {ApiErrors.OneLine(Innermost(e))}");
        }

        if (objects.Count != 1 || !IsBackup(objects[0]))
        {
            var kinds = string.Join(", ", objects.Select(o => o["kind"] is JsonValue k && k.TryGetValue<string>(out var kind) ? kind : "(no kind)"));
            throw new PluginException(objects.Count == 0
                ? $"{source}: no object in the file"
                : $"{source}: expected one {V1alpha1ClusterBackupNow.EntityKind} ({ApiVersion}), found {kinds}");
        }

        V1alpha1ClusterBackupNow backup;
        try
        {
            backup = objects[0].Deserialize(ManifestJsonContext.Default.V1alpha1ClusterBackupNow)
                ?? throw new FormatException("the document is null");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new PluginException($"{source}: not a ClusterBackupNow manifest: {ApiErrors.OneLine(e.Message)}");
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

    private static bool IsBackup(JsonObject o) =>
        o["apiVersion"]?.GetValueKind() == JsonValueKind.String && o["apiVersion"]!.GetValue<string>() == ApiVersion
        && o["kind"]?.GetValueKind() == JsonValueKind.String && o["kind"]!.GetValue<string>() == V1alpha1ClusterBackupNow.EntityKind;

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not YamlDotNet.Core.YamlException)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
