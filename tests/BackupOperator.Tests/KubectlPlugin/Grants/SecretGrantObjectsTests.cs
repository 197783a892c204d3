using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Cli;
using BackupOperator.KubectlPlugin.Grants;
using k8s;
using k8s.Models;

namespace BackupOperator.Tests.KubectlPlugin.Grants;

/// <summary>`kubectl ocp secret grant`: the objects it creates, the sample that shows them, and what counts as already granted.</summary>
public sealed class SecretGrantObjectsTests
{
    [Fact]
    public void The_role_grants_get_on_that_one_secret_and_nothing_else()
    {
        var role = SecretGrantObjects.Role("ocp-credentials");

        Assert.Equal("backup-operator-read-ocp-credentials", role.Metadata.Name);
        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["secrets"], rule.Resources);
        Assert.Equal(["ocp-credentials"], rule.ResourceNames);
        Assert.Equal(["get"], rule.Verbs);
    }

    [Fact]
    public void The_binding_names_the_role_and_the_operators_service_account()
    {
        var binding = SecretGrantObjects.RoleBinding("ocp-credentials", "ops", "bot");

        Assert.Equal(("Role", "backup-operator-read-ocp-credentials"), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", "bot", "ops"), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    [Fact]
    public void The_sample_shows_exactly_what_the_command_creates()
    {
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(RepoRoot.Path("config", "samples", "ocp-credentials.example.yaml")));
        var secret = Assert.Single(objects.OfType<V1Secret>());
        Assert.Null(secret.Metadata.Labels); // consent is the grant, no label
        var role = Assert.Single(objects.OfType<V1Role>());
        var binding = Assert.Single(objects.OfType<V1RoleBinding>());
        var expectedRole = SecretGrantObjects.Role(secret.Metadata.Name);
        var expectedBinding = SecretGrantObjects.RoleBinding(secret.Metadata.Name, SecretGrant.OperatorNamespace, SecretGrant.OperatorServiceAccount);
        Assert.Equal(expectedRole.Metadata.Name, role.Metadata.Name);
        Assert.Equal(KubernetesJson.Serialize(expectedRole.Rules), KubernetesJson.Serialize(role.Rules));
        Assert.Equal(expectedBinding.Metadata.Name, binding.Metadata.Name);
        Assert.Equal(KubernetesJson.Serialize(expectedBinding.RoleRef), KubernetesJson.Serialize(binding.RoleRef));
        Assert.Equal(KubernetesJson.Serialize(expectedBinding.Subjects), KubernetesJson.Serialize(binding.Subjects));
    }

    [Fact]
    public void An_existing_role_counts_only_if_it_grants_get_on_the_secret()
    {
        Assert.True(SecretGrantObjects.Grants(SecretGrantObjects.Role("a"), "a"));
        Assert.False(SecretGrantObjects.Grants(SecretGrantObjects.Role("a"), "b"));
        var listOnly = SecretGrantObjects.Role("a");
        listOnly.Rules[0].Verbs = ["list"];
        Assert.False(SecretGrantObjects.Grants(listOnly, "a"));
        Assert.False(SecretGrantObjects.Grants(new V1Role { Metadata = new V1ObjectMeta { Name = "x" } }, "a"));
    }

    [Fact]
    public void An_existing_binding_counts_only_if_it_binds_that_role_to_that_service_account()
    {
        Assert.True(SecretGrantObjects.Binds(SecretGrantObjects.RoleBinding("a", "ops", "bot"), "a", "ops", "bot"));
        Assert.False(SecretGrantObjects.Binds(SecretGrantObjects.RoleBinding("a", "ops", "bot"), "a", "other", "bot"));
        Assert.False(SecretGrantObjects.Binds(SecretGrantObjects.RoleBinding("a", "ops", "bot"), "b", "ops", "bot"));
    }

    [Fact]
    public void The_command_takes_the_secret_and_the_operators_service_account_with_config_rbacs_defaults()
    {
        var commands = new PluginCommands();
        var p = PluginCli.Parse(commands, ["secret", "grant", "ocp-credentials", "-n", "db"]);
        Assert.Empty(p.Errors);
        Assert.Same(commands.Grant, p.CommandResult.Command);
        Assert.Equal(("ocp-credentials", "db"), (p.GetValue(commands.GrantSecret), p.GetValue(commands.Namespace)));
        Assert.Equal(("backup-operator-system", "backup-operator"), (p.GetValue(commands.OperatorNamespace), p.GetValue(commands.OperatorServiceAccount)));

        var other = PluginCli.Parse(commands, ["secret", "grant", "k", "--operator-namespace", "ops", "--operator-service-account", "bot"]);
        Assert.Equal(("ops", "bot"), (other.GetValue(commands.OperatorNamespace), other.GetValue(commands.OperatorServiceAccount)));
        Assert.NotEmpty(PluginCli.Parse(commands, ["secret", "grant"]).Errors);
        Assert.Contains("'Bad_Name' is not a Secret name", PluginCli.UsageError(PluginCli.Parse(commands, ["secret", "grant", "Bad_Name"])), StringComparison.Ordinal);
    }
}
