using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Kubernetes;

namespace BackupOperator.Tests.KubectlPlugin.Kubernetes;

/// <summary>kubectl's rules for which kubeconfig, which context and which namespace.</summary>
public sealed class KubeSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-ocp-test-").FullName;

    [Fact]
    public void The_flag_wins_over_KUBECONFIG_which_wins_over_the_home_file()
    {
        var flag = Write("flag", Config("a", "https://a:6443", null));
        var first = Write("first", Config("b", "https://b:6443", null));
        var second = Write("second", Config("c", "https://c:6443", null));
        var home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        var homeFile = Path.Combine(home, ".kube", "config");
        File.WriteAllText(homeFile, Config("d", "https://d:6443", null));

        Assert.Equal([flag], KubeSession.KubeconfigFiles(flag, $"{first}:{second}", home));
        Assert.Equal([first, second], KubeSession.KubeconfigFiles(null, $"{first}:/missing:{second}", home));
        Assert.Equal([homeFile], KubeSession.KubeconfigFiles(null, null, home));
        Assert.Equal([homeFile], KubeSession.KubeconfigFiles(null, "", home));
        Assert.Empty(KubeSession.KubeconfigFiles(Path.Combine(_dir, "nope"), null, home));
    }

    [Fact]
    public void KUBECONFIG_files_merge_the_first_current_context_wins_and_context_picks_another()
    {
        var first = Write("first", Config("prod", "https://prod:6443", "db"));
        var second = Write("second", Config("dev", "https://dev:6443", null));
        var env = Env(("KUBECONFIG", $"{first}:{second}"), ("HOME", _dir));

        var config = KubeSession.Connection(new KubeSettings(null, null, null), env);
        Assert.Equal("https://prod:6443/", config.Server.ToString());
        Assert.Equal("db", config.Namespace);
        var dev = KubeSession.Connection(new KubeSettings(null, "dev", null), env);
        Assert.Equal("https://dev:6443/", dev.Server.ToString());
    }

    [Fact]
    public void Groups_to_impersonate_without_a_user_are_refused_as_kubectl_refuses_them()
    {
        var file = Write("groups", Config("prod", "https://prod:6443", null));
        var groupsOnly = new BackupOperator.KubeClient.ConnectionOverrides { ImpersonateGroups = ["system:masters"] };

        var refused = Assert.Throws<PluginException>(() => KubeSession.Open(new KubeSettings(file, null, null, groupsOnly), Env()));

        Assert.Equal("requesting groups or user-extra for  without impersonating a user", refused.Message);
        using var withUser = KubeSession.Open(new KubeSettings(file, null, null, groupsOnly with { Impersonate = "jane" }), Env());
    }

    [Fact]
    public void The_namespace_is_the_flag_else_the_contexts_else_default()
    {
        var withNs = Write("with", Config("prod", "https://prod:6443", "db"));
        var without = Write("without", Config("dev", "https://dev:6443", null));
        using (var c = KubeSession.Open(new KubeSettings(withNs, null, "other"), Env()))
        {
            Assert.Equal("other", c.Namespace);
        }

        using (var c = KubeSession.Open(new KubeSettings(withNs, null, null), Env()))
        {
            Assert.Equal("db", c.Namespace);
        }

        using (var c = KubeSession.Open(new KubeSettings(without, null, null), Env()))
        {
            Assert.Equal("default", c.Namespace);
            Assert.StartsWith("https://dev:6443", c.Server, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_kubeconfig_or_context_is_one_readable_line()
    {
        var home = Path.Combine(_dir, "empty-home");
        var none = Assert.Throws<PluginException>(() => KubeSession.Connection(new KubeSettings(null, null, null), Env(("HOME", home))));
        Assert.Equal($"no kubeconfig: {home}/.kube/config does not exist (set KUBECONFIG or pass --kubeconfig)", none.Message);
        Assert.Equal("kubeconfig /no/such not found",
            Assert.Throws<PluginException>(() => KubeSession.Connection(new KubeSettings("/no/such", null, null), Env())).Message);
        var file = Write("one", Config("prod", "https://prod:6443", null));
        var context = Assert.Throws<PluginException>(() => KubeSession.Connection(new KubeSettings(file, "staging", null), Env()));
        Assert.StartsWith($"kubeconfig {file}: ", context.Message, StringComparison.Ordinal);
        Assert.Contains("staging", context.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_pod_a_kubeconfig_flag_that_does_not_exist_is_an_error_naming_it_not_the_service_account()
    {
        var sa = ServiceAccount();
        var pod = Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("KUBERNETES_SERVICE_PORT", "443"), ("HOME", Path.Combine(_dir, "empty-home")));
        Assert.Equal("https://10.96.0.1/", KubeSession.Connection(new KubeSettings(null, null, null), pod, sa).Server.AbsoluteUri);

        var typo = Assert.Throws<PluginException>(() => KubeSession.Connection(new KubeSettings("/typo", null, null), pod, sa));
        Assert.Equal("kubeconfig /typo not found", typo.Message);
    }

    [Fact]
    public void In_a_pod_the_connection_flags_override_the_service_account_as_kubectl_does()
    {
        var sa = ServiceAccount();
        var pod = Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("KUBERNETES_SERVICE_PORT", "443"), ("HOME", Path.Combine(_dir, "empty-home")));
        var overrides = new BackupOperator.KubeClient.ConnectionOverrides
        {
            Server = "https://api.example:6443",
            Token = "t-flag",
            Impersonate = "jane",
            ImpersonateGroups = ["ops", "dev"],
            RequestTimeout = TimeSpan.FromSeconds(7),
            InsecureSkipTlsVerify = true,
        };

        using var session = KubeSession.Open(new KubeSettings(null, null, "other", overrides), pod, serviceAccountDirectory: sa);
        var connection = KubeSession.Connection(new KubeSettings(null, null, "other", overrides), pod, sa);

        Assert.Equal("https://api.example:6443/", connection.Server.AbsoluteUri);
        Assert.Equal(("t-flag", (string?)null), (connection.Token, connection.TokenFile)); // --token replaces the Pod's token
        Assert.Equal("jane", connection.Impersonate);
        Assert.Equal(["ops", "dev"], connection.ImpersonateGroups);
        Assert.Equal(TimeSpan.FromSeconds(7), session.Timeout);
        Assert.True(connection.SkipTlsVerify);
        Assert.Null(connection.CertificateAuthority);
        Assert.Equal("other", session.Namespace);

        // Without flags: the Pod's own server, token file, CA and namespace.
        using var plain = KubeSession.Open(new KubeSettings(null, null, null), pod, serviceAccountDirectory: sa);
        var own = KubeSession.Connection(new KubeSettings(null, null, null), pod, sa);
        Assert.Equal((Path.Combine(sa, "token"), false, "backup-system"), (own.TokenFile, own.SkipTlsVerify, plain.Namespace));
        Assert.Equal((null, 0), (own.Impersonate, own.ImpersonateGroups.Count));
        Assert.Equal(KubeSession.RequestTimeout, plain.Timeout);
    }

    private string ServiceAccount()
    {
        var sa = Directory.CreateDirectory(Path.Combine(_dir, "serviceaccount")).FullName;
        using var ca = BackupOperator.Tests.KubeClient.KubeConnectionTests.Authority("CN=cluster-ca");
        File.WriteAllText(Path.Combine(sa, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(sa, "token"), "t-pod\n");
        File.WriteAllText(Path.Combine(sa, "namespace"), "backup-system");
        return sa;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    private static string Config(string name, string server, string? ns) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{name}}
          cluster: {server: "{{server}}", insecure-skip-tls-verify: true}
        users:
        - name: {{name}}
          user: {token: t-{{name}}}
        contexts:
        - name: {{name}}
          context: {cluster: {{name}}, user: {{name}}{{(ns is null ? "" : $", namespace: {ns}")}}}
        current-context: {{name}}
        """;
}
