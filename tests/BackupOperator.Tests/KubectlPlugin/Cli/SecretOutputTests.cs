using static BackupOperator.Tests.KubectlPlugin.Cli.PluginCliTests;

namespace BackupOperator.Tests.KubectlPlugin.Cli;

/// <summary>Nothing the plugin prints holds a password or a token the user gave it, also when the command fails.</summary>
public sealed class SecretOutputTests : IDisposable
{
    private const string Password = "s3cret-pw-0451";
    private const string Token = "tok-SECRET-7f3a9";
    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-ocp-secret-").FullName;

    [Fact]
    public async Task A_server_url_with_a_password_is_named_without_it_as_kubectl_does()
    {
        // Nothing listens on the port: the error names the server, with the password as kubectl shows it (Go's url.Redacted).
        var kubeconfig = WriteKubeconfig(_dir, $"https://alice:{Password}@127.0.0.1:{ClosedPort()}/prefix", Token);

        var (code, stdout, stderr) = await RunAsync(["backup", "list", "--kubeconfig", kubeconfig]);

        Assert.Equal((4, ""), (code, stdout));
        Assert.StartsWith("error: cannot reach the API server at https://alice:xxxxx@127.0.0.1:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tokn", "--tokn=" + Token)]
    [InlineData("--tokn", "--tokn", Token)]
    [InlineData("-t", "-t=" + Token)]
    public async Task A_mistyped_flag_is_named_without_its_value_as_kubectl_does(string named, params string[] flag)
    {
        var (code, _, stderr) = await RunAsync(["backup", "list", .. flag]);

        Assert.Equal(4, code);
        Assert.Equal($"error: Unrecognized command or argument '{named}'. (see 'kubectl ocp backup list --help')\n", stderr);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
