using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.Tests.KubectlPlugin.Cli;

/// <summary>The whole command line in process: help, usage errors and failures before any request.</summary>
public sealed class PluginCliTests
{
    [Theory]
    [InlineData("kubectl ocp [command] [options]")]
    [InlineData("kubectl ocp backup create [<NAME>] [options]", "backup", "create")]
    [InlineData("kubectl ocp backup wait <NAME> [options]", "backup", "wait")]
    [InlineData("kubectl ocp backup list [options]", "backup", "list")]
    [InlineData("kubectl ocp backup describe <NAME> [options]", "backup", "describe")]
    [InlineData("kubectl ocp schedule run-now <SCHEDULE> [options]", "schedule", "run-now")]
    [InlineData("kubectl ocp secret grant <NAME> [options]", "secret", "grant")]
    public async Task Every_command_has_help_in_kubectls_words(string usage, params string[] command)
    {
        var (code, stdout, stderr) = await RunAsync([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains(usage, stdout, StringComparison.Ordinal);
        Assert.Contains("--kubeconfig", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("kubectl-ocp", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task The_wait_help_states_the_exit_codes()
    {
        var (_, stdout, _) = await RunAsync(["backup", "wait", "-h"]);
        Assert.Contains("0 Succeeded   1 Failed   2 timed out   3 not found or not allowed   4 any other error", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: Unrecognized command or argument '--bogus'. (see 'kubectl ocp backup list --help')", "backup", "list", "--bogus")]
    [InlineData("error: no kubeconfig: /nonexistent-home/.kube/config does not exist (set KUBECONFIG or pass --kubeconfig)", "backup", "list")]
    [InlineData("error: kubeconfig /no/such not found", "backup", "wait", "x", "--kubeconfig", "/no/such")]
    [InlineData("error: cannot read /tmp/kubectl-ocp-no-such.yaml: Could not find file '/tmp/kubectl-ocp-no-such.yaml'.", "backup", "create", "-f", "/tmp/kubectl-ocp-no-such.yaml")]
    public async Task Errors_are_one_line_on_stderr_with_exit_4(string expected, params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.Equal(4, code);
        Assert.Equal("", stdout);
        Assert.Equal(expected + "\n", stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(130)]
    [InlineData(143)]
    public async Task A_signal_ends_a_waiting_command_with_its_code_and_one_line(int signalCode)
    {
        // A server that accepts the connection and never answers: the signal comes while the plugin waits for it.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var dir = Directory.CreateTempSubdirectory("kubectl-ocp-sig-").FullName;
        try
        {
            var kubeconfig = WriteKubeconfig(dir, $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
            using var signal = new CancellationTokenSource();
            using var stdout = new StringWriter { NewLine = "\n" };
            using var stderr = new StringWriter { NewLine = "\n" };
            var console = new PluginConsole(stdout, stderr, TextReader.Null, _ => null, TimeProvider.System);
            var run = PluginCli.RunAsync(["backup", "wait", "x", "--kubeconfig", kubeconfig], console, signal.Token, () => signalCode);
            using var accepted = await listener.AcceptTcpClientAsync();
            await signal.CancelAsync();
            Assert.Equal(signalCode, await run);
            Assert.Equal("interrupted\n", stderr.ToString());
            Assert.Equal("", stdout.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>DIR/config: one context, its cluster at <paramref name="server"/>, its user with a bearer token.</summary>
    internal static string WriteKubeconfig(string dir, string server, string token = "t")
    {
        var path = Path.Combine(dir, "config");
        File.WriteAllLines(path,
        [
            "apiVersion: v1",
            "kind: Config",
            $"clusters: [{{name: c, cluster: {{server: '{server}'}}}}]",
            $"users: [{{name: u, user: {{token: {token}}}}}]",
            "contexts: [{name: c, context: {cluster: c, user: u}}]",
            "current-context: c",
        ]);
        return path;
    }

    /// <summary>The command line in process, with a HOME that holds no kubeconfig.</summary>
    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var console = new PluginConsole(stdout, stderr, TextReader.Null, key => key == "HOME" ? "/nonexistent-home" : null, TimeProvider.System);
        var code = await PluginCli.RunAsync(args, console, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
