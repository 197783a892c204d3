using System.Text.Json.Nodes;

namespace BackupOperator.OcpSimulator;

/// <summary>
/// The forms in which OCP may write a task's status. The words are RUNNING, FAILED and SUCCESSFUL;
/// OCP's docs type the field "Integer" without a table, so the simulator's integer form numbers
/// them in the docs' order, from 1 (<see cref="Codes"/>). Only the top-level status takes the
/// integer form; sub-task statuses stay words (in the same case as the rest).
/// </summary>
public static class StatusForms
{
    public static readonly IReadOnlyDictionary<string, int> Codes = new Dictionary<string, int>
    {
        ["RUNNING"] = 1,
        ["FAILED"] = 2,
        ["SUCCESSFUL"] = 3,
    };

    private static readonly string[] Cases = ["upper", "lower", "title"];

    /// <summary>The canonical word in <paramref name="form"/>; <paramref name="answer"/> picks the case of a "varying" answer.</summary>
    public static JsonNode Render(string canonical, string form, long answer, bool topLevel)
    {
        if (form == "integer" && topLevel && Codes.TryGetValue(canonical, out var code))
        {
            return code;
        }

        return (form == "varying" ? Cases[answer % Cases.Length] : form) switch
        {
            "lower" => canonical.ToLowerInvariant(),
            "title" => canonical[..1] + canonical[1..].ToLowerInvariant(),
            _ => canonical,
        };
    }
}
