using System.Diagnostics;
using System.Net;
using BackupOperator.E2E.Infrastructure;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.E2E;

/// <summary>`kubectl apply -k config/default`: every rendered object is accepted by the real API server.</summary>
[Collection(E2ECollection.Name)]
public sealed class InstallTests(E2EEnvironment env)
{
    [Fact]
    public async Task Config_default_is_accepted_and_its_deployment_meets_restricted_pod_security()
    {
        var ct = TestTimeout.Token();
        var objects = KubernetesYaml.LoadAllFromString(await KustomizeAsync(RepoPaths.Config("default"), ct));
        var rendered = Assert.Single(objects.OfType<V1Deployment>());
        try
        {
            foreach (var obj in objects)
            {
                await Manifests.CreateAsync(env.Admin, obj, null, ct); // those the fixture created already conflict: fine
                Assert.True(await ExistsAsync(obj, ct), $"{obj.GetType().Name} {((IMetadata<V1ObjectMeta>)obj).Metadata.Name} is not on the API server");
            }

            var ns = objects.OfType<V1Namespace>().Single(n => n.Metadata.Name == rendered.Metadata.NamespaceProperty);
            Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);

            // As the API server stored it: nothing dropped by validation or defaulting.
            var stored = await env.Admin.AppsV1.ReadNamespacedDeploymentAsync(rendered.Metadata.Name, rendered.Metadata.NamespaceProperty, cancellationToken: ct);
            var pod = stored.Spec.Template.Spec;
            Assert.Equal(2, stored.Spec.Replicas);
            Assert.True(pod.SecurityContext?.RunAsNonRoot);
            var container = Assert.Single(pod.Containers);
            var sc = container.SecurityContext;
            Assert.True(sc?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot);
            Assert.False(sc?.AllowPrivilegeEscalation ?? true);
            Assert.Equal(["ALL"], sc?.Capabilities?.Drop ?? []);
            Assert.Equal("RuntimeDefault", sc?.SeccompProfile?.Type ?? pod.SecurityContext?.SeccompProfile?.Type);
            Assert.True(sc?.ReadOnlyRootFilesystem);
            Assert.Equal("/healthz", container.LivenessProbe?.HttpGet?.Path);
            Assert.Equal("/readyz", container.ReadinessProbe?.HttpGet?.Path);
            Assert.All(new[] { container.LivenessProbe!, container.ReadinessProbe! }, p => Assert.Contains(container.Ports, port => port.Name == p.HttpGet.Port.Value));
            Assert.NotEmpty(container.Resources.Requests);
            Assert.NotEmpty(container.Resources.Limits);
        }
        finally
        {
            // No nodes, no pods; removed so that the environment stays as the fixture made it.
            await env.Admin.AppsV1.DeleteNamespacedDeploymentAsync(rendered.Metadata.Name, rendered.Metadata.NamespaceProperty, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<string> KustomizeAsync(string directory, CancellationToken ct)
    {
        var kubectl = Kubectl.Path;
        using var process = Process.Start(new ProcessStartInfo(kubectl, ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{kubectl} kustomize {directory} failed: {await stderr}");
        return await stdout;
    }

    private async Task<bool> ExistsAsync(object obj, CancellationToken ct)
    {
        var meta = ((IMetadata<V1ObjectMeta>)obj).Metadata;
        try
        {
            object _ = obj switch
            {
                V1CustomResourceDefinition => await env.Admin.ApiextensionsV1.ReadCustomResourceDefinitionAsync(meta.Name, cancellationToken: ct),
                V1Namespace => await env.Admin.CoreV1.ReadNamespaceAsync(meta.Name, cancellationToken: ct),
                V1ServiceAccount => await env.Admin.CoreV1.ReadNamespacedServiceAccountAsync(meta.Name, meta.NamespaceProperty, cancellationToken: ct),
                V1ClusterRole => await env.Admin.RbacAuthorizationV1.ReadClusterRoleAsync(meta.Name, cancellationToken: ct),
                V1ClusterRoleBinding => await env.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(meta.Name, cancellationToken: ct),
                V1Role => await env.Admin.RbacAuthorizationV1.ReadNamespacedRoleAsync(meta.Name, meta.NamespaceProperty, cancellationToken: ct),
                V1RoleBinding => await env.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(meta.Name, meta.NamespaceProperty, cancellationToken: ct),
                V1Deployment => await env.Admin.AppsV1.ReadNamespacedDeploymentAsync(meta.Name, meta.NamespaceProperty, cancellationToken: ct),
                _ => throw new NotSupportedException($"no read for {obj.GetType().Name}"),
            };
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
