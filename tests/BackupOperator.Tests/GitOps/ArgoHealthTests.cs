using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BackupOperator.Entities;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.Tests.GitOps;

/// <summary>config/argocd/health.lua run by a real Lua interpreter, the way Argo CD runs it: a global obj, a returned hs.</summary>
public sealed class ArgoHealthTests
{
    private static readonly string Script = File.ReadAllText(RepoRoot.Path("config", "argocd", "health.lua"));
    private static readonly string Samples = RepoRoot.Path("tests", "BackupOperator.Tests", "testassets", "ArgoHealth");

    [Theory]
    [InlineData("no-status", "Progressing", "Waiting for the operator")]
    [InlineData("pending", "Progressing", "another backup of cluster 8 is active: default/nightly-0")]
    [InlineData("submitting", "Progressing", "sending the backup of cluster 8 to OCP")]
    [InlineData("running", "Progressing", "task(s) 3000001 running")]
    [InlineData("succeeded", "Healthy", "backup of cluster 8 completed: task(s) 3000001 SUCCESSFUL")]
    [InlineData("failed", "Degraded", "task 3000001 FAILED at sub-task \"Backup data\" (OB-1234: disk full)")]
    [InlineData("unknown", "Progressing", "OCP unreachable, retrying: connection refused (ocp.example.com:8080)")]
    public void Each_phase_has_its_health(string sample, string status, string message)
    {
        var health = Run(File.ReadAllText(Path.Combine(Samples, sample + ".json")));
        Assert.Equal((status, message), health);
    }

    [Fact]
    public void There_is_a_sample_for_every_phase()
    {
        var phases = Directory.GetFiles(Samples, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(o => o.TryGetProperty("status", out _))
            .Select(o => o.GetProperty("status").GetProperty("phase").GetString());
        Assert.Equal(BackupPhase.All.Order(StringComparer.Ordinal), phases.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"status": {"phase": "Failed", "reason": "BackupRejected"}}""", "Degraded", "BackupRejected")]
    [InlineData("""{"status": {"phase": "Archived"}}""", "Unknown", "Unrecognized phase Archived")]
    public void Without_a_message_the_reason_is_shown_and_a_new_phase_is_Unknown(string json, string status, string message) =>
        Assert.Equal((status, message), Run(json));

    [Fact]
    public void The_argocd_cm_patch_installs_the_same_script()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoRoot.Path("config", "argocd", "argocd-cm-patch.yaml"))));
        var data = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["data"];
        Assert.Equal(Script, ((YamlScalarNode)data["resource.customizations.health.ocp.oceanbase.com_ClusterBackupNow"]).Value);
    }

    private static (string Status, string Message) Run(string json)
    {
        var program = $"obj = {ToLua(JsonDocument.Parse(json).RootElement)}\nlocal function health()\n{Script}\nend\nlocal hs = health()\nprint(hs.status .. \"\\t\" .. (hs.message or \"\"))\n";
        var info = new ProcessStartInfo(Interpreter(), "-")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        using var lua = Process.Start(info)!;
        lua.StandardInput.Write(program);
        lua.StandardInput.Close();
        var stderr = lua.StandardError.ReadToEndAsync();
        var stdout = lua.StandardOutput.ReadToEnd();
        Assert.True(lua.WaitForExit(10_000), "lua did not finish");
        Assert.True(lua.ExitCode == 0, $"lua failed ({lua.ExitCode}): {stderr.Result}");
        var parts = stdout.TrimEnd('\n').Split('\t', 2);
        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }

    private static string Interpreter()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        return new[] { "lua5.4", "lua" }.SelectMany(n => path.Select(d => Path.Combine(d, n))).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("no Lua interpreter (lua5.4 or lua) on PATH: `apt-get install lua5.4` (hack/test.sh does it)");
    }

    /// <summary>JSON as a Lua table constructor: null becomes nil, as in Argo CD.</summary>
    private static string ToLua(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(", ", e.EnumerateObject().Select(p => $"[{LuaString(p.Name)}] = {ToLua(p.Value)}")) + "}",
        JsonValueKind.Array => "{" + string.Join(", ", e.EnumerateArray().Select(ToLua)) + "}",
        JsonValueKind.String => LuaString(e.GetString()!),
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "nil",
    };

    private static string LuaString(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\" + ((int)c).ToString("D3", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return b.Append('"').ToString();
    }
}
