using System.Reflection;
using System.Text.RegularExpressions;
using BackupOperator.Entities;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.Tests.Packaging;

/// <summary>config/rbac grants exactly what the operator's KubernetesClient calls in src/Operator need.</summary>
public sealed partial class RbacTests
{
    private static readonly KubernetesEntityAttribute Backup = typeof(V1alpha1ClusterBackupNow).GetCustomAttribute<KubernetesEntityAttribute>()!;

    // Method (less WithHttpMessages/Async) → subresource and verb; CustomObject calls take group and plural from their arguments.
    private static readonly Dictionary<string, (string Group, string Resource, string Verb)> Calls = new()
    {
        ["ReadNamespacedSecret"] = ("", "secrets", "get"),
        ["ReadNamespace"] = ("", "namespaces", "get"),
        ["GetNamespacedCustomObject"] = ("*", "", "get"),
        ["GetClusterCustomObject"] = ("*", "", "get"),
        ["ListClusterCustomObject"] = ("*", "", "list"),
        ["ListNamespacedCustomObject"] = ("*", "", "list"),
        ["WatchListClusterCustomObject"] = ("*", "", "watch"),
        ["WatchListNamespacedCustomObject"] = ("*", "", "watch"),
        ["CreateNamespacedCustomObject"] = ("*", "", "create"),
        ["DeleteNamespacedCustomObject"] = ("*", "", "delete"),
        ["PatchNamespacedCustomObjectStatus"] = ("*", "/status", "patch"),
        ["PatchClusterCustomObjectStatus"] = ("*", "/status", "patch"),
    };

    // KubernetesClient's LeaseLock reads, creates and replaces the Lease.
    private static readonly string[] LeaseVerbs = ["get", "create", "update"];

    private static readonly string[] Sources = Directory.GetFiles(RepoRoot.Path("src", "Operator"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void The_manager_role_grants_exactly_what_the_calls_need()
    {
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Sources)
        {
            var code = File.ReadAllText(file);
            Assert.DoesNotContain("GenericClient", code, StringComparison.Ordinal);
            foreach (Match call in ClientCall().Matches(code))
            {
                var method = call.Groups["method"].Value;
                Assert.True(Calls.TryGetValue(method, out var need), $"{Path.GetFileName(file)} calls {method}: add it to the table in {nameof(RbacTests)} and to config/rbac");
                IEnumerable<(string Group, string Resource)> targets = need.Group == "*" ? CustomObjectTargets(file, code, call.Index) : [(need.Group, need.Resource)];
                foreach (var (group, resource) in targets)
                {
                    used.Add($"{group}/{resource}{(need.Group == "*" ? need.Resource : "")}/{need.Verb}");
                }
            }
        }

        AssertSame(used, "role.yaml");
    }

    [Fact]
    public void The_leader_election_role_grants_what_LeaseLock_needs()
    {
        Assert.Contains(Sources, f => File.ReadAllText(f).Contains("new LeaseLock(", StringComparison.Ordinal));
        AssertSame(LeaseVerbs.Select(v => $"coordination.k8s.io/leases/{v}"), "leader_election_role.yaml");
    }

    [Theory]
    [InlineData("role.yaml")]
    [InlineData("leader_election_role.yaml")]
    public void Every_rule_has_a_comment_that_says_why(string file)
    {
        var lines = File.ReadAllLines(RepoRoot.Path("config", "rbac", file));
        var rules = Array.FindIndex(lines, l => l.StartsWith("rules:", StringComparison.Ordinal));
        var items = Enumerable.Range(rules + 1, lines.Length - rules - 1).Where(i => lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal)).ToList();
        var indent = items.Min(i => lines[i].Length - lines[i].TrimStart().Length);
        Assert.All(items.Where(i => lines[i].Length - lines[i].TrimStart().Length == indent),
            i => Assert.True(lines[i - 1].TrimStart().StartsWith('#'), $"{file}:{i + 1}: the rule needs a comment line above it"));
    }

    private static void AssertSame(IEnumerable<string> needed, string file)
    {
        var granted = Granted(file);
        var missing = needed.Except(granted).ToList();
        var extra = granted.Except(needed).ToList();
        Assert.True(missing.Count + extra.Count == 0,
            $"config/rbac/{file} (group/resource/verb): missing [{string.Join(", ", missing)}], not used by the code [{string.Join(", ", extra)}]");
    }

    private static SortedSet<string> Granted(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoRoot.Path("config", "rbac", file))));
        var granted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (YamlMappingNode rule in (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["rules"])
        {
            foreach (var g in Values(rule, "apiGroups"))
            {
                foreach (var r in Values(rule, "resources"))
                {
                    foreach (var v in Values(rule, "verbs"))
                    {
                        Assert.True(granted.Add($"{g}/{r}/{v}"), $"{file} grants {g}/{r}/{v} twice");
                    }
                }
            }
        }

        return granted;
    }

    private static IEnumerable<string> Values(YamlMappingNode rule, string key) =>
        ((YamlSequenceNode)rule[key]).Select(n => ((YamlScalarNode)n).Value ?? "");

    // A CustomObjects call names its group and plural either as string literals ("events.k8s.io", "v1", ns, "events")
    // or through an entity type: V1alpha1ClusterBackupNow's constants, or the attribute of each T the generic class is built with.
    private static List<(string Group, string Resource)> CustomObjectTargets(string file, string code, int at)
    {
        var args = code[at..code.IndexOf(';', at)];
        var literals = StringLiteral().Matches(args).Select(m => m.Groups[1].Value).ToList();
        if (literals.FirstOrDefault(l => l.Contains('.', StringComparison.Ordinal)) is { } group)
        {
            return [(group, literals[^1])];
        }

        if (args.Contains("V1alpha1ClusterBackupNow.ApiGroup", StringComparison.Ordinal))
        {
            return [(Backup.Group, Backup.PluralName)];
        }

        Assert.True(args.Contains("Entity.Group", StringComparison.Ordinal) || args.Contains("kind.Group", StringComparison.Ordinal),
            $"{Path.GetFileName(file)}: a CustomObjects call that names its target neither by literals nor by an entity type's attribute");
        var generic = GenericClass().Match(code).Groups[1].Value;
        // Its own declaration (class X<T>) builds nothing.
        var closings = Sources.SelectMany(f => Regex.Matches(File.ReadAllText(f), $@"(?<!class )\b{generic}<(\w+)[,>]")).Select(m => m.Groups[1].Value).Distinct().ToList();
        // Closed with the runtime's own type parameter: built for every kind registered with AddController.
        var builtWith = closings
            .Concat(closings.Any(c => c is "T" or "TEntity")
                ? Sources.SelectMany(f => Regex.Matches(File.ReadAllText(f), @"AddController<\w+, (\w+)>")).Select(m => m.Groups[1].Value)
                : [])
            .Where(c => c is not ("T" or "TEntity"))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(builtWith.Count > 0, $"{Path.GetFileName(file)}: {generic}<T> is built with no entity type");
        return builtWith.Select(name =>
        {
            var entity = typeof(V1alpha1ClusterBackupNow).Assembly.GetType($"BackupOperator.Entities.{name}");
            Assert.True(entity is not null, $"{Path.GetFileName(file)}: {generic}<T> is built with {name}, not an entity of src/Entities");
            var kind = entity.GetCustomAttribute<KubernetesEntityAttribute>();
            Assert.True(kind is not null, $"{Path.GetFileName(file)}: {generic}<T> is built with {name}, which has no [KubernetesEntity]");
            return (kind.Group, kind.PluralName);
        }).ToList();
    }

    [GeneratedRegex(@"\.(?:CustomObjects|[A-Z]\w*V\d\w*)\.(?<method>\w+?)(?:WithHttpMessages)?Async\s*\(|\b(?<method>(?:Read|List|WatchList|Create|Replace|Patch|Delete)\w*(?:Namespaced|Cluster)\w*?)(?:WithHttpMessages)?Async\b")]
    private static partial Regex ClientCall();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"class (\w+)<T\w*[,>]")]
    private static partial Regex GenericClass();
}
