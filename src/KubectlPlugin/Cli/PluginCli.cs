using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;
using BackupOperator.KubectlPlugin.Commands;
using BackupOperator.KubectlPlugin.Kubernetes;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>Parses, runs the command, and turns every failure into one line on stderr and an exit code: never a stack trace.</summary>
public static class PluginCli
{
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static ParseResult Parse(PluginCommands commands, IReadOnlyList<string> args) => commands.Root.Parse(args, Parsing);

    /// <param name="interruptedExitCode">The exit code when <paramref name="ct"/> was cancelled by a signal (default 130, Ctrl-C's).</param>
    public static async Task<int> RunAsync(string[] args, PluginConsole console, CancellationToken ct, Func<int>? interruptedExitCode = null)
    {
        CommandHandlers? handlers = null;
        try
        {
            var commands = new PluginCommands();
            handlers = new CommandHandlers(commands, console);
            handlers.Bind();
            if (args is ["__complete" or "__completeNoDesc", .. var words])
            {
                return await new Completer(commands, console).RunAsync(words, ct);
            }

            var parsed = Parse(commands, args);
            if (parsed.Action is ParseErrorAction || (parsed.Errors.Count > 0 && parsed.Action is not HelpAction))
            {
                await console.Error.WriteLineAsync(UsageError(parsed));
                return ExitCodes.Error;
            }

            if (parsed.Action is HelpAction)
            {
                // Help names the executable (kubectl-ocp); users type `kubectl ocp`.
                using var help = new StringWriter();
                var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = help, Error = console.Error }, ct);
                await console.Out.WriteAsync(Regex.Replace(help.ToString(), $@"(?<![\w/-]){Regex.Escape(commands.Root.Name)}\b", PluginCommands.DisplayName));
                return code;
            }

            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // signals are the caller's (Interruption): the command ends itself, with 130 or 143
                Output = console.Out,
                Error = console.Error,
            }, ct);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("interrupted");
            return interruptedExitCode?.Invoke() ?? ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            var error = ApiErrors.Describe(e, handlers?.Server, handlers?.RequestTimeout);
            await console.Error.WriteLineAsync($"error: {error.Message}");
            return error.ExitCode;
        }
    }

    /// <summary>The first parse error and where help is, on one line (kubectl prints the same two facts).</summary>
    public static string UsageError(ParseResult parsed)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = parsed.CommandResult; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
            {
                names.Insert(0, c.Command is RootCommand ? PluginCommands.DisplayName : c.Command.Name);
            }
        }

        var command = string.Join(' ', names);
        // An unknown word explains more than the missing command it leaves behind.
        var first = parsed.Errors.Select(e => e.Message).OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).FirstOrDefault()
            ?? "invalid arguments";
        // As kubectl names an unknown flag: without the value after '=', which may be the token of a mistyped --token.
        first = Regex.Replace(first, "'(-[^'=]*)=[^']*'", "'$1'");
        return $"error: {ApiErrors.OneLine(first)} (see '{command} --help')";
    }
}
