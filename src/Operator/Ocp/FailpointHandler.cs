using BackupOperator.Operator.Diagnostics;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Passes <see cref="FailpointNames.AfterPostSent"/> once OCP has answered backupNow (status and
/// headers in, body unread): OCP acted, the operator dies without knowing how. Only wired in builds
/// with failpoints.
/// </summary>
public sealed class FailpointHandler(Failpoints failpoints) : DelegatingHandler
{
    /// <summary><paramref name="inner"/>, behind this handler when failpoints are compiled in and any is armed.</summary>
    public static HttpMessageHandler Wrap(HttpMessageHandler inner, Failpoints? failpoints)
    {
#if FAILPOINTS
        return failpoints?.IsArmed(FailpointNames.AfterPostSent) == true ? new FailpointHandler(failpoints) { InnerHandler = inner } : inner;
#else
        return inner;
#endif
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/backup/backupNow", StringComparison.Ordinal) == true)
        {
            failpoints.Hit(FailpointNames.AfterPostSent, $"POST {request.RequestUri.AbsolutePath}");
        }

        return response;
    }
}
