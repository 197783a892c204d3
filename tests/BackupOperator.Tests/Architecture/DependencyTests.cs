using System.Text.RegularExpressions;

namespace BackupOperator.Tests.Architecture;

/// <summary>
/// The folders of src/Operator and the dependencies between them, checked against the graph drawn
/// in docs/architecture.md: the picture is the rule, so neither can drift from the other.
/// </summary>
public sealed partial class DependencyTests
{
    private const string Root = "BackupOperator.Operator";
    private const string DiNamespace = "Microsoft.Extensions.DependencyInjection";

    private static readonly string[] Folders = ["Hosting", "Runtime", "Controllers", "Reconciliation", "Kubernetes", "Ocp", "Diagnostics", "FaultInjection"];

    private static readonly IReadOnlyList<SourceFile> Sources = Directory
        .GetFiles(RepoRoot.Path("src", "Operator"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
        .Select(f => new SourceFile(Path.GetRelativePath(RepoRoot.Path("src", "Operator"), f), File.ReadAllText(f)))
        .ToList();

    [Fact]
    public void Every_dependency_between_folders_is_drawn_in_the_architecture_document()
    {
        var allowed = AllowedEdges();
        var violations = Sources
            .Where(s => s.Folder is not null)
            .SelectMany(s => s.Uses().Where(u => u != s.Folder && !allowed.Contains((s.Folder!, u))).Select(u => $"{s.Path} uses {u}"))
            .ToList();

        Assert.True(violations.Count == 0,
            "dependencies not in docs/architecture.md (add the arrow there first, if it is meant):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_drawn_dependencies_have_no_cycle()
    {
        var edges = AllowedEdges();
        var state = new Dictionary<string, int>();
        foreach (var node in edges.Select(e => e.From).Distinct())
        {
            Assert.True(Acyclic(node, edges, state), $"docs/architecture.md: a cycle through {node}");
        }
    }

    [Fact]
    public void Every_drawn_folder_exists_and_every_folder_is_drawn()
    {
        var drawn = AllowedEdges().SelectMany(e => new[] { e.From, e.To }).ToHashSet();
        var existing = Sources.Select(s => s.Folder).OfType<string>().Append("Entities").Append("KubeClient").ToHashSet();
        Assert.Equal(existing.Order(), drawn.Order());
    }

    [Fact]
    public void A_files_namespace_is_its_folder()
    {
        foreach (var source in Sources.Where(s => s.Folder is not null))
        {
            var declared = Namespace().Match(source.Text).Groups[1].Value;
            var expected = $"{Root}.{Path.GetDirectoryName(source.Path)!.Replace('/', '.')}";
            if (source.Path.EndsWith("ServiceCollectionExtensions.cs", StringComparison.Ordinal))
            {
                Assert.True(declared == DiNamespace, $"{source.Path}: DI extensions live in {DiNamespace}");
            }
            else
            {
                Assert.True(declared == expected, $"{source.Path}: namespace {declared}, expected {expected}");
            }
        }
    }

    [Fact]
    public void The_runtime_knows_no_resource_kind()
    {
        var offenders = Sources.Where(s => s.Folder == "Runtime" && s.Uses().Contains("Entities")).Select(s => s.Path).ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_reconciler_does_no_io()
    {
        string[] io = ["IKubernetes", "HttpClient", "System.Net.Http", "File.", "Directory.", "Socket", "Process."];
        var offenders = Sources
            .Where(s => s.Folder == "Reconciliation")
            .SelectMany(s => io.Where(t => s.Code.Contains(t, StringComparison.Ordinal)).Select(t => $"{s.Path}: {t}"))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_check_sees_a_forbidden_dependency()
    {
        // The test's own reading of a file: a using, a fully qualified name and a partly qualified name all count.
        var file = new SourceFile("Runtime/Example.cs", """
            using BackupOperator.Entities;
            namespace BackupOperator.Operator.Runtime;
            // BackupOperator.Operator.Ocp in a comment does not count
            public sealed class Example(BackupOperator.Operator.Kubernetes.IEventRecorder events)
            {
                private readonly Reconciliation.ClusterBackupNow.BackupReconciler? _r;
            }
            """);
        Assert.Equal(["Entities", "Kubernetes", "Reconciliation"], file.Uses().Order());
    }

    private static HashSet<(string From, string To)> AllowedEdges()
    {
        var doc = File.ReadAllText(RepoRoot.Path("docs", "architecture.md"));
        var graph = MermaidGraph().Match(doc);
        Assert.True(graph.Success, "docs/architecture.md has no ```mermaid graph block");
        return Edge().Matches(graph.Groups[1].Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();
    }

    private static bool Acyclic(string node, HashSet<(string From, string To)> edges, Dictionary<string, int> state)
    {
        if (state.TryGetValue(node, out var s))
        {
            return s == 2;
        }

        state[node] = 1;
        var ok = edges.Where(e => e.From == node).All(e => Acyclic(e.To, edges, state));
        state[node] = 2;
        return ok;
    }

    private sealed record SourceFile(string Path, string Text)
    {
        /// <summary>The top-level folder (the component), or null for Program.cs.</summary>
        public string? Folder => Path.Contains('/', StringComparison.Ordinal) ? Path[..Path.IndexOf('/', StringComparison.Ordinal)] : null;

        /// <summary>The text without comments, string literals and the namespace declaration.</summary>
        public string Code { get; } = Namespace().Replace(Comments().Replace(Text, ""), "");

        public HashSet<string> Uses()
        {
            var used = new HashSet<string>();
            foreach (Match m in Qualified().Matches(Code))
            {
                used.Add(m.Groups[1].Success && m.Groups[1].Value.Length > 0 ? m.Groups[1].Value : m.Groups[2].Value);
            }

            // A partly qualified name (Reconciliation.X) resolves through the enclosing namespaces too.
            foreach (Match m in PartlyQualified().Matches(Code))
            {
                if (Folders.Contains(m.Groups[1].Value))
                {
                    used.Add(m.Groups[1].Value);
                }
            }

            return used;
        }
    }

    [GeneratedRegex(@"BackupOperator\.(?:Operator\.(\w+)|(Entities|KubeClient)\b)")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"(?<![\w.])(\w+)\.[A-Z]\w*\.?")]
    private static partial Regex PartlyQualified();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"```mermaid\s*\ngraph [A-Z]{2}\s*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidGraph();

    [GeneratedRegex(@"^\s*(\w+)\s*-->\s*(\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Edge();
}
