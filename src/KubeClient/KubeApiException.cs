using System.Net;
using k8s.Models;

namespace BackupOperator.KubeClient;

/// <summary>The API server answered with an error status; <see cref="Status"/> is its Status object when it sent one.</summary>
public sealed class KubeApiException(HttpStatusCode statusCode, V1Status? status, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public V1Status? Status { get; } = status;

    /// <summary>The Status' machine-readable reason (AlreadyExists, Conflict, Expired...), if any.</summary>
    public string? Reason => Status?.Reason;

    /// <summary>
    /// The start of the answer's text when it was not a Status (a proxy's page or JSON, an aggregated API server's
    /// plain-text error): what kubectl shows as "an error on the server (...)". Never part of <see cref="Exception.Message"/>.
    /// </summary>
    public string? Text { get; init; }
}
