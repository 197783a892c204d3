using System.Text;

namespace BackupOperator.KubectlPlugin.Output;

/// <summary>Columns as kubectl prints them: left-aligned, three spaces apart, no trailing spaces; a cell is one line a terminal only prints.</summary>
public static class Table
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows.Select(r => r.Select(Kubernetes.ApiErrors.OneLine).ToList()));
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Count; i++)
            {
                line.Append(i == row.Count - 1 ? row[i] : row[i].PadRight(widths[i] + 3));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
