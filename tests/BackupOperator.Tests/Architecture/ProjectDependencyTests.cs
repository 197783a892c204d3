using System.Text.RegularExpressions;

namespace BackupOperator.Tests.Architecture;

/// <summary>
/// The projects around the one Kubernetes client (src/KubeClient): it depends on nothing of the operator or
/// the plugin; the plugin uses it, not KubernetesClient's reflection-bound client; API paths are built
/// by its ResourcePath, not by the operator's Runtime nor the plugin.
/// </summary>
public sealed partial class ProjectDependencyTests
{
    // What of KubernetesClient needs reflection (or is its transport): the plugin is NativeAOT and may use only its model types.
    private static readonly string[] ReflectionBoundClient =
        ["IKubernetes", "KubernetesJson", "KubernetesYaml", "KubernetesClientConfiguration", "HttpOperationException", "k8s.Autorest", "k8s.Kubernetes(", "GenericClient"];

    [Fact]
    public void The_client_library_depends_on_nothing_of_the_operator_the_plugin_or_the_entities()
    {
        Assert.DoesNotContain("<ProjectReference", Project("KubeClient", "BackupOperator.KubeClient.csproj"), StringComparison.Ordinal);
        var offenders = Sources("KubeClient")
            .Where(s => Uses().IsMatch(s.Code))
            .Select(s => $"{s.Path}: {Uses().Match(s.Code).Value}")
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_operator_and_the_plugin_use_the_client_library()
    {
        Assert.Contains("../KubeClient/BackupOperator.KubeClient.csproj", Project("Operator", "BackupOperator.csproj"), StringComparison.Ordinal);
        Assert.Contains("../KubeClient/BackupOperator.KubeClient.csproj", Project("KubectlPlugin", "KubectlPlugin.csproj"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_plugin_does_not_use_KubernetesClients_client()
    {
        Assert.DoesNotContain("Include=\"KubernetesClient\"", Project("KubectlPlugin", "KubectlPlugin.csproj"), StringComparison.Ordinal);
        var offenders = Sources("KubectlPlugin")
            .SelectMany(s => ReflectionBoundClient.Where(t => UsesName(s.Code, t)).Select(t => $"{s.Path}: {t}"))
            .ToList();
        Assert.Empty(offenders);
    }

    /// <summary>The name itself, not a longer one it begins (IKubernetes, not the model interface IKubernetesObject).</summary>
    private static bool UsesName(string code, string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(code, System.Text.RegularExpressions.Regex.Escape(name) + (char.IsLetterOrDigit(name[^1]) ? @"(?!\w)" : ""));

    [Theory]
    [InlineData("Operator", "Runtime")]
    [InlineData("KubectlPlugin", "")]
    public void API_paths_are_built_by_the_client_library_only(string project, string folder)
    {
        var offenders = Sources(project)
            .Where(s => folder.Length == 0 || s.Path.StartsWith(folder + "/", StringComparison.Ordinal))
            .Where(s => LiteralPath().IsMatch(s.Text))
            .Select(s => $"{s.Path}: {LiteralPath().Match(s.Text).Value}")
            .ToList();
        Assert.Empty(offenders);
    }

    private static string Project(string folder, string file) => File.ReadAllText(RepoRoot.Path("src", folder, file));

    private static IEnumerable<(string Path, string Text, string Code)> Sources(string project)
    {
        var root = RepoRoot.Path("src", project);
        return Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f =>
            {
                var text = File.ReadAllText(f);
                return (Path.GetRelativePath(root, f), text, Comments().Replace(text, ""));
            });
    }

    [GeneratedRegex(@"BackupOperator\.(Operator|KubectlPlugin|Entities)\b")]
    private static partial Regex Uses();

    /// <summary>A string that starts an API path: "api/v1/...", "apis/group/...", also interpolated.</summary>
    [GeneratedRegex(@"\$?""/?apis?/")]
    private static partial Regex LiteralPath();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}
