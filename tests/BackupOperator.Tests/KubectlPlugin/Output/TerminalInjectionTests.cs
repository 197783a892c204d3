using System.Text.Json.Nodes;
using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Backups;
using BackupOperator.KubectlPlugin.Output;
using k8s.Models;
using YamlDotNet.RepresentationModel;
using static BackupOperator.Tests.KubectlPlugin.Backups.PluginBackups;

namespace BackupOperator.Tests.KubectlPlugin.Output;

/// <summary>
/// Status text may come from a tenant's OCP (hints, messages, traceId) and labels from a tenant: printed in a table, a
/// describe or a wait line it must not move the cursor, clear the screen, set the title or forge a line. Shown instead as
/// kubectl shows it (ESC as ^[), the other controls as \xNN; -o json|yaml keep every character exactly.
/// </summary>
public sealed class TerminalInjectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 1, 5, 0, TimeSpan.Zero);

    /// <summary>Clears the screen, a title (OSC), a backspace, an 8-bit CSI, a bidi override.</summary>
    private const string Hostile = "ok\u001b[2J\u001b]0;pwned\u0007\b\u009b31m\u202egnp.exe";

    private static void AssertNothingATerminalActsOn(string output, bool bidi = true)
    {
        Assert.DoesNotContain(output, c => c != '\n' && (char.IsControl(c) || (bidi && c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069')));
    }

    [Fact]
    public void Describe_shows_control_characters_of_status_and_labels_as_text()
    {
        var b = Backup("nightly-1", BackupPhase.Failed, 3000001);
        b.Metadata.Labels = new Dictionary<string, string> { ["team"] = Hostile };
        b.Status!.Message = Hostile;
        b.Status.Results = [new BackupObjectResult { BeSuccessful = false, ErrorCode = "E1", Hint = Hostile }];
        b.Status.Tasks = [new OcpTaskState { Id = 3000001, Name = Hostile, Status = "FAILED" }];

        var text = BackupDescription.Render(b, [new Corev1Event { Type = "Warning", Reason = "Failed", Message = Hostile }], null, Now);

        AssertNothingATerminalActsOn(text);
        Assert.Matches(@"(?m)^  Message:\s+ok\^\[\[2J\^\[\]0;pwned\\x07\\x08\\x9b31m\\u202egnp\.exe$", text);
    }

    [Fact]
    public void A_list_row_cannot_forge_another_row_or_move_the_cursor()
    {
        var b = Backup("nightly-1", BackupPhase.Succeeded, 3000001);
        b.Status!.TraceId = "ae23\r\nforged     Succeeded   8\u001b[1A";
        var listed = new Listed<V1alpha1ClusterBackupNow>(b, []);

        var wide = ListOutput.Render(BackupTable.View(Now), [listed], new ListFormat(OutputFormat.Wide));

        AssertNothingATerminalActsOn(wide);
        Assert.Equal(2, wide.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void The_wait_line_shows_control_characters_as_text()
    {
        var b = Backup("nightly-1", BackupPhase.Failed, 3000001);
        b.Status!.Message = Hostile;

        AssertNothingATerminalActsOn(WaitOutcome.ResultLine(b));
    }

    [Fact]
    public void Json_and_yaml_keep_every_character()
    {
        var json = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "a" }, ["status"] = new JsonObject { ["message"] = Hostile + "\r\nline2\u2028\u0085" } };
        var listed = new Listed<V1alpha1ClusterBackupNow>(Backup("a", null), json);
        var view = BackupTable.View(Now);

        var asJson = JsonNode.Parse(ListOutput.Render(view, [listed], new ListFormat(OutputFormat.Json)))!;
        Assert.Equal(Hostile + "\r\nline2\u2028\u0085", asJson["items"]![0]!["status"]!["message"]!.GetValue<string>());

        var yamlText = ListOutput.Render(view, [listed], new ListFormat(OutputFormat.Yaml));
        AssertNothingATerminalActsOn(yamlText, bidi: false); // kept as is, as kubectl's -o yaml keeps it: a bidi control moves no cursor
        var yaml = new YamlStream();
        yaml.Load(new StringReader(yamlText));
        var item = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["items"])[0];
        Assert.Equal(Hostile + "\r\nline2\u2028\u0085", ((YamlScalarNode)((YamlMappingNode)item["status"])["message"]).Value);
    }
}
