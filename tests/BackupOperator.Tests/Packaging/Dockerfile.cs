using System.Text;
using System.Text.Json;

namespace BackupOperator.Tests.Packaging;

internal sealed record DockerInstruction(string Keyword, string Arguments);

internal sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}

internal sealed record DockerCopy(string? From, IReadOnlyList<string> Sources, string Destination);

/// <summary>
/// A Dockerfile read as `docker build` reads it: comments dropped, continuation lines joined, split
/// into stages. Also compiled into the E2E project, which replays the build stage.
/// </summary>
internal static class Dockerfile
{
    public static IReadOnlyList<DockerStage> Parse(string text)
    {
        var stages = new List<(string Image, string? Name, List<DockerInstruction> Instructions)>();
        var pending = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            var joined = pending.Append(line).ToString().Trim();
            pending.Clear();
            if (joined.Length == 0)
            {
                continue;
            }

            var parts = joined.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            var keyword = parts[0].ToUpperInvariant();
            var args = parts.Length > 1 ? parts[1].Trim() : "";
            if (keyword == "FROM")
            {
                var words = Words(args).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                stages.Add((words[0], words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(new DockerInstruction(keyword, args));
            }
        }

        return stages.Select(s => new DockerStage(s.Image, s.Name, s.Instructions)).ToList();
    }

    public static string[] Words(string args) => args.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Arguments in exec (JSON array) or shell form.</summary>
    public static string[] Arguments(DockerInstruction instruction) => instruction.Arguments.StartsWith('[')
        ? JsonSerializer.Deserialize<string[]>(instruction.Arguments)!
        : Words(instruction.Arguments);

    public static DockerCopy Copy(DockerInstruction copy)
    {
        var words = Arguments(copy);
        var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
        var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return new DockerCopy(from, paths[..^1], paths[^1]);
    }

    /// <summary>ENV in its KEY=VALUE form (values without spaces), one or several per instruction.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Env(DockerStage stage) =>
        stage.All("ENV").SelectMany(e => Words(e.Arguments)).Select(w => w.Split('=', 2))
            .Select(kv => KeyValuePair.Create(kv[0], kv.Length > 1 ? kv[1] : ""));
}
