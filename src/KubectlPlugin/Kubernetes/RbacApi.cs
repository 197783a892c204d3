using System.Net;
using BackupOperator.KubeClient;
using k8s.Models;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>Roles and RoleBindings through the API server: create, or read the one that exists. Thin, no decisions.</summary>
public sealed class RbacApi(KubeApiClient client)
{

    /// <summary>Creates the Role; null when it was created, else the one that exists already.</summary>
    public Task<V1Role?> CreateRoleAsync(V1Role role, string ns, CancellationToken ct) => CreateAsync(ResourcePath.Roles, role, role.Metadata.Name, ns, ct);

    /// <summary>Creates the RoleBinding; null when it was created, else the one that exists already.</summary>
    public Task<V1RoleBinding?> CreateRoleBindingAsync(V1RoleBinding binding, string ns, CancellationToken ct) =>
        CreateAsync(ResourcePath.RoleBindings, binding, binding.Metadata.Name, ns, ct);

    private async Task<T?> CreateAsync<T>(ResourcePath path, T obj, string name, string ns, CancellationToken ct)
        where T : class
    {
        try
        {
            await client.SendAsync(HttpMethod.Post, path.For(ns), client.JsonContent(obj), ct);
            return null;
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return await client.GetAsync<T>(path.For(ns, name), ct);
        }
    }
}
