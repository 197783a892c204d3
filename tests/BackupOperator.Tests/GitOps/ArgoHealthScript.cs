using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace BackupOperator.Tests.GitOps;

/// <summary>
/// An Argo CD health script from config/argocd, run by a real Lua interpreter the way Argo CD runs
/// it (a global obj, a returned hs), and the copy argocd-cm-patch.yaml installs.
/// </summary>
internal static class ArgoHealthScript
{
    /// <summary>The JSON objects the health tests feed the scripts.</summary>
    public static readonly string Samples = RepoRoot.Path("tests", "BackupOperator.Tests", "testassets", "ArgoHealth");

    public static string Load(string file) => File.ReadAllText(RepoRoot.Path("config", "argocd", file));

    public static string Sample(string name) => File.ReadAllText(Path.Combine(Samples, name + ".json"));

    /// <summary>The script argocd-cm-patch.yaml installs for one kind of ocp.oceanbase.com.</summary>
    public static string Installed(string kind)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoRoot.Path("config", "argocd", "argocd-cm-patch.yaml"))));
        var data = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["data"];
        return ((YamlScalarNode)data[$"resource.customizations.health.ocp.oceanbase.com_{kind}"]).Value!;
    }

    public static (string Status, string Message) Run(string script, string json)
    {
        var program = $"obj = {ToLua(JsonDocument.Parse(json).RootElement)}\nlocal function health()\n{script}\nend\nlocal hs = health()\nprint(hs.status .. \"\\t\" .. (hs.message or \"\"))\n";
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
