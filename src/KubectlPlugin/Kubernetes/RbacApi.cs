using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>Roles and RoleBindings through the API server: create, or read the one that exists. Thin, no decisions.</summary>
public sealed class RbacApi(IKubernetes client)
{
    /// <summary>Creates the Role; null when it was created, else the one that exists already.</summary>
    public async Task<V1Role?> CreateRoleAsync(V1Role role, string ns, CancellationToken ct)
    {
        try
        {
            await client.RbacAuthorizationV1.CreateNamespacedRoleAsync(role, ns, cancellationToken: ct);
            return null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return await client.RbacAuthorizationV1.ReadNamespacedRoleAsync(role.Metadata.Name, ns, cancellationToken: ct);
        }
    }

    /// <summary>Creates the RoleBinding; null when it was created, else the one that exists already.</summary>
    public async Task<V1RoleBinding?> CreateRoleBindingAsync(V1RoleBinding binding, string ns, CancellationToken ct)
    {
        try
        {
            await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, ns, cancellationToken: ct);
            return null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return await client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(binding.Metadata.Name, ns, cancellationToken: ct);
        }
    }
}
