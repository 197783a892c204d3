using System.Net;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>The API server refused to create an object (invalid, forbidden, namespace terminating…); the message is its own.</summary>
public sealed class ResourceNotCreatedException(string message, HttpStatusCode statusCode, Exception inner) : Exception(message, inner)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
