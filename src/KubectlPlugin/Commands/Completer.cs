using System.CommandLine;
using BackupOperator.Entities;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Kubernetes;
using k8s;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Commands;

/// <summary>
/// cobra's `__complete` protocol: given the words typed after `kubectl ocp`, the last being the one to complete,
/// print the candidates one a line and then `:DIRECTIVE`. Subcommands and flags come from the command tree; backup
/// and schedule names from the API server, asked with the connection flags and namespace already typed.
/// </summary>
public sealed class Completer(PluginCommands commands, PluginConsole console)
{
    /// <summary>
    /// How long a TAB waits for names, unless --request-timeout is typed: a server or exec plugin that does not answer
    /// leaves no names after it, instead of holding the shell for the commands' 30 s.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Which commands take the name of which kind as their argument; a new command adds its line here.</summary>
    private static readonly Dictionary<string, string> NameArguments = new(StringComparer.Ordinal)
    {
        ["backup wait"] = V1alpha1ClusterBackupNow.Plural,
        ["backup describe"] = V1alpha1ClusterBackupNow.Plural,
        ["backup delete"] = V1alpha1ClusterBackupNow.Plural,
        ["schedule run-now"] = V1alpha1ClusterBackupSchedule.Plural,
        ["schedule describe"] = V1alpha1ClusterBackupSchedule.Plural,
    };

    /// <summary>Flags whose value is a name of a kind.</summary>
    private static readonly Dictionary<string, string> NameFlags = new(StringComparer.Ordinal)
    {
        ["--from-schedule"] = V1alpha1ClusterBackupSchedule.Plural,
    };

    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        var (candidates, directive) = await CandidatesAsync(words, ct);
        foreach (var c in candidates)
        {
            await console.Out.WriteLineAsync(c);
        }

        await console.Out.WriteLineAsync($":{directive}");
        return ExitCodes.Ok;
    }

    public async Task<(IReadOnlyList<string> Candidates, int Directive)> CandidatesAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        var typed = words.Count == 0 ? [] : words.Take(words.Count - 1).ToList();
        var current = words.Count == 0 ? "" : words[^1];
        Command command = commands.Root;
        var path = new List<string>();
        var positional = 0;
        Option? pending = null;
        foreach (var word in typed)
        {
            if (pending is not null)
            {
                pending = null;
            }
            else if (word.StartsWith('-') && word.Length > 1)
            {
                var option = Options(command).FirstOrDefault(o => o.Name == word || o.Aliases.Contains(word));
                pending = option is not null && option.ValueType != typeof(bool) ? option : null;
            }
            else if (command.Subcommands.FirstOrDefault(c => c.Name == word) is { } sub)
            {
                command = sub;
                path.Add(word);
            }
            else
            {
                positional++;
            }
        }

        if (pending is not null)
        {
            return pending.Name switch
            {
                "--output" => (ListOptions.Formats.Where(f => f.StartsWith(current, StringComparison.Ordinal)).ToList(), CompletionScripts.NoFiles),
                "--filename" or "--kubeconfig" => ([], 0), // the shell completes file names
                _ when NameFlags.TryGetValue(pending.Name, out var kind) => (await NamesAsync(kind, typed, current, ct), CompletionScripts.NoFiles),
                _ => ([], CompletionScripts.NoFiles),
            };
        }

        if (current.StartsWith('-'))
        {
            return (Options(command).Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
                .Where(n => n.StartsWith("--", StringComparison.Ordinal) && n.StartsWith(current, StringComparison.Ordinal))
                .Distinct().Order(StringComparer.Ordinal).ToList(), CompletionScripts.NoFiles);
        }

        var found = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).Where(n => n.StartsWith(current, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        if (positional == 0 && NameArguments.TryGetValue(string.Join(' ', path), out var argumentKind))
        {
            found.AddRange(await NamesAsync(argumentKind, typed, current, ct));
        }

        if (command == commands.Completion && positional == 0)
        {
            found.AddRange(CompletionScripts.Shells.Where(s => s.StartsWith(current, StringComparison.Ordinal)));
        }

        return (found, CompletionScripts.NoFiles);
    }

    /// <summary>The command's own options and the recursive ones of its ancestors, --help included.</summary>
    private static List<Option> Options(Command command)
    {
        var own = command.Options.ToList();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            own.AddRange(parent.Options.Where(o => o.Recursive));
        }

        return own;
    }

    /// <summary>The names of one kind in the namespace the typed flags choose; nothing when the server cannot be asked.</summary>
    private async Task<IReadOnlyList<string>> NamesAsync(string plural, IReadOnlyList<string> typed, string prefix, CancellationToken ct)
    {
        try
        {
            var settings = KubeSettings.From(commands, PluginCli.Parse(commands, typed));
            var overrides = settings.Overrides ?? ConnectionOverrides.None;
            settings = settings with { Overrides = overrides with { RequestTimeout = overrides.RequestTimeout ?? Timeout } };
            using var session = KubeSession.Open(settings, console.Environment, console.OwnsProcess);
            var lister = new ResourceLister(session.Client);
            var names = plural == V1alpha1ClusterBackupSchedule.Plural
                ? await NamesOfAsync<V1alpha1ClusterBackupSchedule>(lister, session.Namespace, ct)
                : await NamesOfAsync<V1alpha1ClusterBackupNow>(lister, session.Namespace, ct);
            return names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return []; // completion never fails the shell
        }
    }

    private static async Task<IEnumerable<string>> NamesOfAsync<T>(ResourceLister lister, string ns, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta> =>
        (await lister.ListAsync<T>(ns, null, ct)).Items.Select(i => i.Item.Metadata.Name);
}
