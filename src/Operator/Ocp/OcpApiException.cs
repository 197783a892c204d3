namespace BackupOperator.Operator.Ocp;

public enum OcpFailureKind
{
    /// <summary>
    /// OCP answered with its error envelope and a 4xx status, or anything answered with a redirect
    /// (never followed): it refused, nothing was started.
    /// </summary>
    Rejected,

    /// <summary>OCP answered 5xx: it may or may not have acted.</summary>
    ServerError,

    /// <summary>
    /// An answer that is not OCP's envelope (HTML, empty, truncated JSON, JSON of another service), e.g.
    /// from a proxy: reported by its HTTP status and content type, never by its body.
    /// </summary>
    InvalidResponse,

    /// <summary>No connection could be made (refused, DNS, TLS): the request never reached OCP.</summary>
    Unreachable,

    /// <summary>The request was sent but no complete answer came (timeout, connection reset).</summary>
    Lost,
}

/// <summary>A failed OCP call, with everything a support ticket needs and nothing secret.</summary>
public sealed class OcpApiException : Exception
{
    public OcpApiException(string operation, OcpFailureKind kind, string detail, int? httpStatus = null,
        string? code = null, string? traceId = null, Exception? inner = null, string? redirectTarget = null)
        : base(Describe(operation, kind, detail, httpStatus, code, traceId, redirectTarget), inner)
    {
        Operation = operation;
        Kind = kind;
        Detail = detail;
        HttpStatus = httpStatus;
        Code = code;
        TraceId = traceId;
        RedirectTarget = redirectTarget;
    }

    /// <summary>A redirect that was not followed, from the answer's Location: which host it named.</summary>
    public static OcpApiException Redirect(string operation, int httpStatus, string target) =>
        new(operation, OcpFailureKind.Rejected, "a redirect, not followed", httpStatus, redirectTarget: target);

    public string Operation { get; }
    public OcpFailureKind Kind { get; }

    /// <summary>OCP's own message, or what went wrong on the way.</summary>
    public string Detail { get; }

    public int? HttpStatus { get; }
    public string? Code { get; }
    public string? TraceId { get; }

    /// <summary>
    /// For a redirect: where it pointed, as "to host H:P" (never a path or query). Kept out of
    /// <see cref="Detail"/>, which is matched for OCP's busy words: a host name is not OCP's word.
    /// </summary>
    public string? RedirectTarget { get; }

    /// <summary>For a non-idempotent call: could OCP have acted on it?</summary>
    public bool MayHaveActed => Kind is OcpFailureKind.ServerError or OcpFailureKind.Lost
        || (Kind == OcpFailureKind.InvalidResponse && HttpStatus is not (>= 400 and < 500));

    /// <summary>Worth retrying later: OCP or the way to it may recover.</summary>
    public bool IsTransient => Kind != OcpFailureKind.Rejected || HttpStatus is 408 or 429;

    private static string Describe(string operation, OcpFailureKind kind, string detail, int? httpStatus, string? code, string? traceId, string? redirectTarget)
    {
        if (redirectTarget is not null)
        {
            return $"OCP {operation}: answered HTTP {httpStatus} (a redirect {redirectTarget}, not followed: the operator follows no redirects; set the url to OCP's own address)";
        }

        var parts = new List<string> { $"OCP {operation}: {detail}" };
        if (httpStatus is not null)
        {
            parts.Add($"HTTP {httpStatus}");
        }

        if (!string.IsNullOrEmpty(code))
        {
            parts.Add($"code {code}");
        }

        if (!string.IsNullOrEmpty(traceId))
        {
            parts.Add($"traceId {traceId}");
        }

        return kind == OcpFailureKind.Rejected || parts.Count == 1
            ? string.Join("; ", parts)
            : string.Join("; ", parts) + $" ({kind})";
    }
}
