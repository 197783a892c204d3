using System.Globalization;
using System.Text.RegularExpressions;
using BackupOperator.Operator.FaultInjection;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Passes <see cref="FailpointNames.AfterPostSent"/> once OCP has answered backupNow (status and
/// headers in, body unread): OCP acted, the operator dies without knowing how. Only wired in builds
/// with failpoints.
/// </summary>
public sealed partial class FailpointHandler(Failpoints failpoints) : DelegatingHandler
{
    /// <summary><paramref name="inner"/>, behind this handler when failpoints are compiled in and the point is armed.</summary>
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
        if (request.Method == HttpMethod.Post && request.RequestUri is { } uri && BackupNowPath().Match(uri.AbsolutePath) is { Success: true } m)
        {
            failpoints.Hit(FailpointNames.AfterPostSent, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), $"POST {uri.AbsolutePath}");
        }

        return response;
    }

    [GeneratedRegex(@"/clusters/(\d{1,18})/backup/backupNow$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupNowPath();
}
