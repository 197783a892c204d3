using System.Diagnostics.Metrics;

namespace BackupOperator.Operator.Diagnostics;

/// <summary>
/// Counts every request the operator makes to the Kubernetes API by verb (GET, LIST, WATCH, POST,
/// PATCH, PUT, DELETE), resource (clusterbackupnows/status, events, leases, secrets…) and status
/// code: what the operator costs the API server, per backup.
/// </summary>
public sealed class KubeApiMetrics
{
    private readonly Counter<long> _requests;

    public KubeApiMetrics(IMeterFactory meterFactory) =>
        _requests = meterFactory.Create(OperatorMetrics.MeterName).CreateCounter<long>("kube_requests_total",
            description: "Requests to the Kubernetes API by verb, resource and HTTP status code.");

    public DelegatingHandler CreateHandler() => new CountingHandler(this);

    internal void Count(HttpMethod method, Uri? uri, int statusCode)
    {
        var (verb, resource) = Describe(method, uri);
        _requests.Add(1,
            new KeyValuePair<string, object?>("verb", verb),
            new KeyValuePair<string, object?>("resource", resource),
            new KeyValuePair<string, object?>("code", statusCode));
    }

    /// <summary>"/apis/g/v/namespaces/ns/plural/name/status" → (PATCH, "plural/status"); a GET without a name is LIST or WATCH.</summary>
    internal static (string Verb, string Resource) Describe(HttpMethod method, Uri? uri)
    {
        var segments = (uri?.AbsolutePath ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Skip "api/v1" or "apis/group/version".
        var rest = segments.Length > 0 && segments[0] == "apis" ? segments.Skip(3).ToArray() : segments.Skip(2).ToArray();
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            rest = rest[2..];
        }

        var resource = rest.Length switch
        {
            0 => "other",
            >= 3 => $"{rest[0]}/{rest[2]}",
            _ => rest[0],
        };
        var verb = method.Method;
        if (method == HttpMethod.Get && rest.Length == 1)
        {
            verb = (uri?.Query ?? "").Contains("watch=true", StringComparison.OrdinalIgnoreCase) ? "WATCH" : "LIST";
        }

        return (verb, resource);
    }

    private sealed class CountingHandler(KubeApiMetrics metrics) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                metrics.Count(request.Method, request.RequestUri, (int)response.StatusCode);
                return response;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                metrics.Count(request.Method, request.RequestUri, 0);
                throw;
            }
        }
    }
}
