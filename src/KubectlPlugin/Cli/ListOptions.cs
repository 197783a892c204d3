using System.CommandLine;
using BackupOperator.KubectlPlugin.Output;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>What the list flags of one command asked for.</summary>
public sealed record ListRequest(ListFormat Format, string? Selector, bool Watch, bool WatchOnly);

/// <summary>
/// kubectl get's list flags, for any list command: -o json|yaml|name|wide, --no-headers, -l/--selector,
/// -w/--watch and --watch-only (and -A/--all-namespaces). <see cref="AddTo"/> puts them on a command;
/// <see cref="Read"/> gives what was asked.
/// </summary>
public sealed class ListOptions
{
    public static readonly string[] Formats = ["json", "yaml", "name", "wide"];

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: json, yaml (a List that `kubectl apply -f -` takes back), name (kind.group/NAME) or wide (more columns).",
        HelpName = "FORMAT",
        Validators =
        {
            r =>
            {
                if (r.Tokens.Count == 1 && !Formats.Contains(r.Tokens[0].Value, StringComparer.Ordinal))
                {
                    r.AddError($"unable to match a printer suitable for the output format \"{r.Tokens[0].Value}\", allowed formats are: {string.Join(',', Formats)}");
                }
            },
        },
    };

    public Option<bool> NoHeaders { get; } = new("--no-headers") { Description = "Print the table without its header line." };

    public Option<string?> Selector { get; } = new("--selector", "-l")
    {
        Description = "Label selector, as kubectl takes it (-l app=db,tier!=test, -l 'env in (prod,staging)'), applied by the API server.",
        HelpName = "SELECTOR",
    };

    public Option<bool> Watch { get; } = new("--watch", "-w") { Description = "After the list, print each change as it happens, until Ctrl-C." };

    public Option<bool> WatchOnly { get; } = new("--watch-only") { Description = "Print only the changes, not the list first." };

    public Option<bool> AllNamespaces { get; } = new("--all-namespaces", "-A") { Description = "List the objects of every namespace." };

    public void AddTo(Command command, bool namespaced = true)
    {
        if (namespaced)
        {
            command.Options.Add(AllNamespaces);
        }

        foreach (var option in new Option[] { Output, NoHeaders, Selector, Watch, WatchOnly })
        {
            command.Options.Add(option);
        }
    }

    public ListRequest Read(ParseResult p)
    {
        var output = p.GetValue(Output) switch
        {
            "json" => OutputFormat.Json,
            "yaml" => OutputFormat.Yaml,
            "name" => OutputFormat.Name,
            "wide" => OutputFormat.Wide,
            _ => OutputFormat.Table,
        };
        var selector = p.GetValue(Selector);
        return new ListRequest(
            new ListFormat(output, p.GetValue(NoHeaders), p.GetValue(AllNamespaces)),
            string.IsNullOrWhiteSpace(selector) ? null : selector.Trim(),
            p.GetValue(Watch) || p.GetValue(WatchOnly),
            p.GetValue(WatchOnly));
    }
}
