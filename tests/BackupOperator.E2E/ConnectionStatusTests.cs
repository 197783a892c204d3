using System.Diagnostics;
using System.Text.Json;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using k8s;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>
/// A ClusterOcpConnection's status tells at a glance whether it works: the Ready condition against a
/// real API server and the OCP simulator, with the operator's shortened Connections:* intervals.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ConnectionStatusTests(E2EEnvironment env)
{
    /// <summary>Events about cluster-scoped objects go to kube-system (see EventRecorder).</summary>
    private const string EventNamespace = "kube-system";

    [Fact]
    public async Task A_connection_whose_Secret_is_missing_is_not_ready_and_becomes_ready_once_the_Secret_exists()
    {
        var ct = TestTimeout.Token();
        const string name = "conn-late-secret";
        const string secret = "conn-late-secret-credentials";
        await Manifests.CreateConnectionAsync(env.Admin, Connection(name, secret), ct);

        var missing = await WaitForReadyAsync(name, c => c.Reason == "SecretNotFound", TimeSpan.FromSeconds(60), ct);
        Assert.Equal("False", missing.Condition.Status);
        Assert.Contains($"{E2EEnvironment.OperatorNamespace}/{secret}", missing.Condition.Message, StringComparison.Ordinal);
        Assert.Equal(missing.Connection.Metadata.Generation, missing.Connection.Status!.ObservedGeneration);
        await env.WaitForEventAsync(name, e => e.Type == "Warning" && e.Reason == "SecretNotFound", ct, EventNamespace);

        // No watch on Secrets: the next check (backoff capped at Connections:MaxRetryInterval = 2 s) finds it.
        var clock = Stopwatch.StartNew();
        await env.CreateSecretAsync(secret, new()
        {
            ["accessKeyId"] = SimulatorHandle.AccessKeyId,
            ["accessKeySecret"] = SimulatorHandle.AccessKeySecret,
        }, ct, E2EEnvironment.OperatorNamespace, openToBackups: false);
        var ready = await WaitForReadyAsync(name, c => c.Status == "True", TimeSpan.FromSeconds(30), ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Ready only after {clock.Elapsed}");
        Assert.Equal("Connected", ready.Condition.Reason);
        Assert.True(ready.Condition.LastTransitionTime >= missing.Condition.LastTransitionTime);
        Assert.Equal(ready.Connection.Metadata.Generation, ready.Connection.Status!.ObservedGeneration);
        await env.WaitForEventAsync(name, e => e.Type == "Normal" && e.Reason == "Connected", ct, EventNamespace);

        // Rechecks that find the same write nothing and tell nothing: one event per flip. The operator logs
        // such a recheck when it ends ("checked"); one after the flip is the evidence it looked again.
        await env.UntilAsync(() => Task.FromResult(env.Operator.Log.Contains($"ClusterOcpConnection {name} checked: Ready True", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), $"a recheck of {name} after it became Ready", ct);
        var events = await env.EventsForAsync(name, ct, EventNamespace);
        Assert.Single(events, e => e.Reason == "Connected");
        Assert.Single(events, e => e.Reason == "SecretNotFound");
        await DeleteAsync(name, ct);
    }

    [Fact]
    public async Task A_connection_with_wrong_credentials_says_OCP_refused_them_without_showing_them()
    {
        var ct = TestTimeout.Token();
        const string name = "conn-wrong-password";
        const string secret = "conn-wrong-password-credentials";
        const string wrongPassword = "conn-e2e-Wr0ng-P@ss-51c2";
        await env.CreateSecretAsync(secret, new()
        {
            ["username"] = SimulatorHandle.User,
            ["password"] = wrongPassword,
        }, ct, E2EEnvironment.OperatorNamespace, openToBackups: false);
        await Manifests.CreateConnectionAsync(env.Admin, Connection(name, secret), ct);

        var refused = await WaitForReadyAsync(name, c => c.Reason == "OcpAuthenticationFailed", TimeSpan.FromSeconds(60), ct);
        Assert.Equal("False", refused.Condition.Status);
        Assert.Contains("401", refused.Condition.Message, StringComparison.Ordinal);
        Assert.Contains($"{E2EEnvironment.OperatorNamespace}/{secret}", refused.Condition.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, KubernetesJson.Serialize(refused.Connection), StringComparison.Ordinal);
        var warning = await env.WaitForEventAsync(name, e => e.Type == "Warning" && e.Reason == "OcpAuthenticationFailed", ct, EventNamespace);
        Assert.DoesNotContain(wrongPassword, warning.Note ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, env.AllOperatorLogs, StringComparison.Ordinal);
        await DeleteAsync(name, ct);
    }

    private V1alpha1ClusterOcpConnection Connection(string name, string secret) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new ClusterOcpConnectionSpec
        {
            Url = env.Simulator.Url,
            CredentialsSecretRef = new SecretReference { Namespace = E2EEnvironment.OperatorNamespace, Name = secret },
            Namespaces = [E2EEnvironment.Namespace],
        },
    };

    private async Task<(V1alpha1ClusterOcpConnection Connection, V1Condition Condition)> WaitForReadyAsync(
        string name, Func<V1Condition, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        V1alpha1ClusterOcpConnection? last = null;
        while (clock.Elapsed < timeout)
        {
            last = await GetAsync(name, ct);
            if (last.Status.ReadyCondition() is { } ready && match(ready))
            {
                return (last, ready);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException(
            $"ClusterOcpConnection {name}: no matching Ready condition within {timeout}; status: {(last?.Status is null ? "(none)" : KubernetesJson.Serialize(last.Status))}\noperator log tail:\n{OperatorProcess.Tail(env.Operator.Log)}");
    }

    private async Task<V1alpha1ClusterOcpConnection> GetAsync(string name, CancellationToken ct)
    {
        var obj = await env.Admin.CustomObjects.GetClusterCustomObjectAsync(
            V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, name, ct);
        return KubernetesJson.Deserialize<V1alpha1ClusterOcpConnection>(((JsonElement)obj).GetRawText());
    }

    private async Task DeleteAsync(string name, CancellationToken ct) =>
        await env.Admin.CustomObjects.DeleteClusterCustomObjectAsync(
            V1alpha1ClusterOcpConnection.ApiGroup, V1alpha1ClusterOcpConnection.Version, V1alpha1ClusterOcpConnection.Plural, name, cancellationToken: ct);
}
