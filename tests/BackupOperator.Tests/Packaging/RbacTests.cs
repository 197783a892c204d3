using System.Reflection;
using System.Text.RegularExpressions;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.Tests.Packaging;

/// <summary>config/rbac grants exactly what the operator's calls to the API (KubeApiClient, in src/Operator) need.</summary>
public sealed partial class RbacTests
{
    // The verb of a KubeApiClient call: by its HTTP method, LIST for a collection read (Path.List), WATCH for a watch.
    private static readonly Dictionary<string, string> Verbs = new()
    {
        ["Get"] = "get",
        ["Post"] = "create",
        ["Put"] = "update",
        ["Patch"] = "patch",
        ["Delete"] = "delete",
    };

    // LeaseLock (Runtime/LeaseLock.cs) reads, creates and replaces the Lease: leader_election_role.yaml, checked on its own.
    private static readonly string[] LeaseVerbs = ["get", "create", "update"];

    private static readonly string[] Sources = Directory.GetFiles(RepoRoot.Path("src", "Operator"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void The_manager_role_grants_exactly_what_the_calls_need()
    {
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Sources.Where(f => Path.GetFileName(f) != "LeaseLock.cs"))
        {
            var code = File.ReadAllText(file);
            Assert.DoesNotContain("GenericClient", code, StringComparison.Ordinal);
            Assert.DoesNotContain("IKubernetes ", code, StringComparison.Ordinal);
            foreach (Match call in ClientCall().Matches(code))
            {
                var args = code[call.Index..code.IndexOf(';', call.Index)];
                var verb = Verb(call.Groups["call"].Value, args);
                Assert.True(verb is not null, $"{Path.GetFileName(file)}: a call whose verb the test cannot tell: {args}");
                foreach (var (group, resource) in Targets(file, code, args))
                {
                    used.Add($"{group}/{resource}/{verb}");
                }
            }
        }

        // Secrets: never through the ClusterRole; get (only) through the Role in the credentials namespace.
        var secrets = used.Where(u => u.StartsWith("/secrets/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["/secrets/get"], secrets);
        AssertSame(used.Except(secrets), "role.yaml");
        AssertSame(secrets, "credentials_role.yaml");
    }

    [Fact]
    public void The_operator_may_read_secrets_only_in_its_credentials_namespace_and_no_secret_cluster_wide()
    {
        var (role, binding) = (Document("credentials_role.yaml"), Document("credentials_role_binding.yaml"));
        Assert.Equal("Role", Scalar(role, "kind"));
        Assert.Equal(SecretGrant.OperatorNamespace, Scalar((YamlMappingNode)role["metadata"], "namespace"));
        Assert.Equal(SecretGrant.OperatorNamespace, Scalar((YamlMappingNode)binding["metadata"], "namespace"));
        var roleRef = (YamlMappingNode)binding["roleRef"];
        Assert.Equal(("Role", Scalar((YamlMappingNode)role["metadata"], "name")), (Scalar(roleRef, "kind"), Scalar(roleRef, "name")));
        var subject = (YamlMappingNode)Assert.Single((YamlSequenceNode)binding["subjects"]);
        Assert.Equal(("ServiceAccount", SecretGrant.OperatorServiceAccount, SecretGrant.OperatorNamespace),
            (Scalar(subject, "kind"), Scalar(subject, "name"), Scalar(subject, "namespace")));
        Assert.DoesNotContain(Granted("role.yaml"), g => g.StartsWith("/secrets", StringComparison.Ordinal));
        Assert.Contains("credentials_role.yaml", File.ReadAllText(RepoRoot.Path("config", "rbac", "Kustomization")), StringComparison.Ordinal);
        Assert.Contains("credentials_role_binding.yaml", File.ReadAllText(RepoRoot.Path("config", "rbac", "Kustomization")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_leader_election_role_grants_what_LeaseLock_needs()
    {
        Assert.Contains(Sources, f => File.ReadAllText(f).Contains("new LeaseLock(", StringComparison.Ordinal));
        var leaseLock = File.ReadAllText(Sources.Single(f => Path.GetFileName(f) == "LeaseLock.cs"));
        var calls = ClientCall().Matches(leaseLock).Select(c => Verb(c.Groups["call"].Value, leaseLock[c.Index..leaseLock.IndexOf(';', c.Index)])).ToHashSet();
        calls.UnionWith(LeaseWrites().Matches(leaseLock).Select(m => Verbs[m.Groups[1].Value]));
        Assert.Equal(LeaseVerbs.Order(), calls.OfType<string>().Order());
        AssertSame(LeaseVerbs.Select(v => $"coordination.k8s.io/leases/{v}"), "leader_election_role.yaml");
    }

    [Theory]
    [InlineData("role.yaml")]
    [InlineData("leader_election_role.yaml")]
    [InlineData("credentials_role.yaml")]
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

    private static YamlMappingNode Document(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoRoot.Path("config", "rbac", file))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value;

    private static SortedSet<string> Granted(string file)
    {
        var granted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (YamlMappingNode rule in (YamlSequenceNode)Document(file)["rules"])
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

    private static string? Verb(string call, string args) =>
        call == "WatchAsync" || args.Contains("Path.Watch(", StringComparison.Ordinal) ? "watch"
        : args.Contains("Path.List(", StringComparison.Ordinal) ? "list"
        : call.StartsWith("GetAsync", StringComparison.Ordinal) || call.StartsWith("GetStreamingAsync", StringComparison.Ordinal) ? "get"
        : HttpVerb().Match(args) is { Success: true } m ? Verbs[m.Groups[1].Value]
        : null;

    // A call names its target by a built-in kind's ResourcePath (ResourcePath.Secrets.For(...)), by a literal path
    // ("api/v1/namespaces/{ns}/secrets/...", "apis/events.k8s.io/v1/..."), or through an entity type's [KubernetesEntity]
    // (Path.For/List/Watch of ResourcePath.Of<T>()): each T the generic class is built with. "status" among the
    // arguments is the status subresource.
    private static List<(string Group, string Resource)> Targets(string file, string code, string args)
    {
        if (BuiltInPath().Match(args) is { Success: true } builtIn)
        {
            var path = typeof(ResourcePath).GetProperty(builtIn.Groups[1].Value)?.GetValue(null) as ResourcePath;
            Assert.True(path is not null, $"{Path.GetFileName(file)}: ResourcePath.{builtIn.Groups[1].Value} is no built-in kind's path");
            return [(path.Group, path.Plural)];
        }

        if (LiteralPath().Match(args) is { Success: true } literal)
        {
            return [(literal.Groups["group"].Value, literal.Groups["resource"].Value)];
        }

        var subresource = args.Contains("\"status\"", StringComparison.Ordinal) ? "/status" : "";
        Assert.True(args.Contains("Path.", StringComparison.Ordinal),
            $"{Path.GetFileName(file)}: a call that names its target neither by a literal path nor by an entity type's ResourcePath: {args}");
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
            return (kind.Group, kind.PluralName + subresource);
        }).ToList();
    }

    [GeneratedRegex(@"\b_?client\.(?<call>GetAsync<\w+>|GetStreamingAsync<\w+>|SendAsync(?:<\w+>)?|WatchAsync)\(")]
    private static partial Regex ClientCall();

    [GeneratedRegex(@"HttpMethod\.(Get|Post|Put|Patch|Delete)\b")]
    private static partial Regex HttpVerb();

    [GeneratedRegex(@"WriteAsync\(HttpMethod\.(Post|Put)\b")]
    private static partial Regex LeaseWrites();

    [GeneratedRegex(@"""(?:apis/(?<group>[a-z0-9.-]+)|api(?<group>))/v\w+/(?:namespaces/\{[^}]+\}/)?(?<resource>[a-z]+)")]
    private static partial Regex LiteralPath();

    [GeneratedRegex(@"\bResourcePath\.(\w+)\.(?:For|List|ListFromCache|Watch)\(")]
    private static partial Regex BuiltInPath();

    [GeneratedRegex(@"class (\w+)<T\w*[,>]")]
    private static partial Regex GenericClass();
}
