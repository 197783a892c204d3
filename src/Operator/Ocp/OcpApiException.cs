namespace BackupOperator.Operator.Ocp;

public enum OcpFailureKind
{
    /// <summary>OCP answered with its error envelope and a 4xx status: it refused, nothing was started.</summary>
    Rejected,

    /// <summary>OCP answered 5xx: it may or may not have acted.</summary>
    ServerError,

    /// <summary>An answer that is not OCP's envelope (HTML, empty, truncated JSON), e.g. from a proxy.</summary>
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
        string? code = null, string? traceId = null, Exception? inner = null)
        : base(Describe(operation, kind, detail, httpStatus, code, traceId), inner)
    {
        Operation = operation;
        Kind = kind;
        Detail = detail;
        HttpStatus = httpStatus;
        Code = code;
        TraceId = traceId;
    }

    public string Operation { get; }
    public OcpFailureKind Kind { get; }

    /// <summary>OCP's own message, or what went wrong on the way.</summary>
    public string Detail { get; }

    public int? HttpStatus { get; }
    public string? Code { get; }
    public string? TraceId { get; }

    /// <summary>For a non-idempotent call: could OCP have acted on it?</summary>
    public bool MayHaveActed => Kind is OcpFailureKind.ServerError or OcpFailureKind.Lost
        || (Kind == OcpFailureKind.InvalidResponse && HttpStatus is not (>= 400 and < 500));

    /// <summary>Worth retrying later: OCP or the way to it may recover.</summary>
    public bool IsTransient => Kind != OcpFailureKind.Rejected || HttpStatus is 408 or 429;

    private static string Describe(string operation, OcpFailureKind kind, string detail, int? httpStatus, string? code, string? traceId)
    {
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
