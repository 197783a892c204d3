using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Commands;

namespace BackupOperator.Tests.KubectlPlugin.Cli;

/// <summary>cobra's __complete protocol as the completion scripts and kubectl_complete-ocp speak it.</summary>
public sealed class CompleterTests
{
    [Theory]
    [InlineData("ba", "backup")]
    [InlineData("", "backup,completion,connection,schedule,secret,version")]
    [InlineData("backup|", "create,delete,describe,list,wait")]
    [InlineData("backup|list|--no", "--no-headers")]
    [InlineData("backup|list|--wa", "--watch,--watch-only")]
    [InlineData("backup|list|-o|", "json,yaml,name,wide")]
    [InlineData("backup|list|--output|y", "yaml")]
    [InlineData("-n|db|backup|wait|--as", "--as,--as-group")]
    [InlineData("completion|", "bash,zsh,fish")]
    [InlineData("backup|wait|", "")] // names come from the API server: none without a kubeconfig, and no error
    public async Task Candidates_for_the_word_being_typed(string words, string expected)
    {
        var (candidates, directive) = await new Completer(new PluginCommands(), Console(out _)).CandidatesAsync(words.Split('|'), CancellationToken.None);
        Assert.Equal(expected, string.Join(',', candidates));
        Assert.Equal(CompletionScripts.NoFiles, directive);
    }

    [Fact]
    public async Task A_file_flag_leaves_completion_to_the_shell()
    {
        var (candidates, directive) = await new Completer(new PluginCommands(), Console(out _)).CandidatesAsync(["backup", "create", "x", "-f", ""], CancellationToken.None);
        Assert.Empty(candidates);
        Assert.Equal(0, directive);
    }

    [Fact]
    public async Task Complete_prints_a_candidate_a_line_then_the_directive()
    {
        var console = Console(out var stdout);
        Assert.Equal(0, await PluginCli.RunAsync(["__complete", "backup", "li"], console, CancellationToken.None));
        Assert.Equal("list\n:4\n", stdout.ToString());
    }

    [Theory]
    [InlineData("bash", "complete -F _kubectl_ocp kubectl-ocp")]
    [InlineData("zsh", "compdef _kubectl_ocp kubectl-ocp")]
    [InlineData("fish", "complete -c kubectl-ocp")]
    public async Task Completion_prints_the_script_of_the_shell(string shell, string registers)
    {
        var console = Console(out var stdout);
        Assert.Equal(0, await PluginCli.RunAsync(["completion", shell], console, CancellationToken.None));
        Assert.Contains(registers, stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("__complete", stdout.ToString(), StringComparison.Ordinal);
    }

    private static PluginConsole Console(out StringWriter stdout)
    {
        stdout = new StringWriter { NewLine = "\n" };
        return new PluginConsole(stdout, new StringWriter(), TextReader.Null, key => key == "HOME" ? "/nonexistent-home" : null, TimeProvider.System);
    }
}
