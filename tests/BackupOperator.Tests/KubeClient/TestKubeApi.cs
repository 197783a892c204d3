using BackupOperator.Entities;
using BackupOperator.KubeClient;

namespace BackupOperator.Tests.KubeClient;

/// <summary>A <see cref="KubeApiClient"/> whose requests go to <paramref name="api"/> (a fake API server) at https://kube.test/.</summary>
internal static class TestKubeApi
{
    public static KubeApiClient Client(HttpMessageHandler? api = null) =>
        new(new HttpClient(api ?? new HttpClientHandler()) { BaseAddress = new Uri("https://kube.test/") }, [EntityJsonContext.Default]);
}
