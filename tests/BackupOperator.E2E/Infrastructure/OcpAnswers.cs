using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// What the simulator answered to one backupNow POST, as it left the server: the X-Request-Id it carried
/// (null when none), the HTTP status, and whether the connection was cut before an answer (a dropped
/// answer, or a client that gave up). Taken on the wire, so a refusal the operator reports is checked
/// against the answer OCP really gave, not against the operator's word.
/// </summary>
internal sealed record OcpAnswer(string? RequestId, long ClusterId, int Status, bool Aborted)
{
    /// <summary>OCP said no for good: 4xx other than 408 (timeout), 409 (busy) and 429 (throttled), with the answer delivered.</summary>
    public bool Refused => !Aborted && Status is >= 400 and < 500 and not (408 or 409 or 429);

    /// <summary>OCP answered 2xx and the client got it.</summary>
    public bool Delivered2xx => !Aborted && Status is >= 200 and < 300;
}

/// <summary>Records every backupNow answer of one in-process simulator (a middleware added before it starts).</summary>
internal sealed class OcpAnswerLog
{
    private readonly ConcurrentQueue<OcpAnswer> _answers = new();

    public IReadOnlyList<OcpAnswer> Snapshot() => [.. _answers];

    public static OcpAnswerLog AttachTo(WebApplication app)
    {
        var log = new OcpAnswerLog();
        app.Use(async (http, next) =>
        {
            await next(http);
            if (HttpMethods.IsPost(http.Request.Method) && ClusterOf(http.Request.Path) is { } cluster)
            {
                // A dropped connection (HttpContext.Abort) may signal RequestAborted only later; every answer the
                // simulator gives on purpose has a body, so one that never started was not delivered either.
                log._answers.Enqueue(new OcpAnswer(http.Request.Headers["X-Request-Id"].FirstOrDefault(), cluster,
                    http.Response.StatusCode, http.RequestAborted.IsCancellationRequested || !http.Response.HasStarted));
            }
        });
        return log;
    }

    // /api/v2/ob/clusters/{id}/backup/backupNow
    private static long? ClusterOf(PathString path)
    {
        var parts = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts is [.., "clusters", var id, "backup", "backupNow"] && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            ? c
            : null;
    }
}
