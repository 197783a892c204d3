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

    [Fact]
    public async Task A_server_that_never_answers_leaves_no_names_within_the_completion_timeout_not_the_commands()
    {
        // It accepts the connection (the backlog does) and never answers: a TAB must come back, quietly, long before 30 s.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var dir = Directory.CreateTempSubdirectory("kubectl-ocp-complete-").FullName;
        try
        {
            var kubeconfig = PluginCliTests.WriteKubeconfig(dir, $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
            var console = Console(out var stdout);
            var clock = System.Diagnostics.Stopwatch.StartNew();

            Assert.Equal(0, await PluginCli.RunAsync(["__complete", "backup", "describe", "--kubeconfig", kubeconfig, ""], console, CancellationToken.None));

            Assert.Equal(":4\n", stdout.ToString());
            Assert.True(clock.Elapsed < Completer.Timeout * 2, $"{clock.Elapsed} (commands wait {BackupOperator.KubectlPlugin.Kubernetes.KubeSession.RequestTimeout})");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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
