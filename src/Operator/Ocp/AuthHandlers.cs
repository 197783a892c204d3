using System.Net.Http.Headers;
using System.Text;

namespace BackupOperator.Operator.Ocp;

/// <summary>HTTP Basic, for OCP users with a password.</summary>
public sealed class BasicAuthHandler(string username, string password) : DelegatingHandler
{
    private readonly string _value = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _value);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Signs each request with OCP's AK/SK scheme over the exact bytes that go on the wire.</summary>
public sealed class AkSkSigningHandler(string accessKeyId, string accessKeySecret, string hostText, TimeProvider time)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = [];
        string? contentType = null;
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            contentType = request.Content.Headers.ContentType?.ToString();
        }

        // Send the Host that is signed: System.Uri would drop a default port the user wrote.
        request.Headers.Host = hostText;
        var date = OcpSigner.FormatDate(time.GetUtcNow());
        request.Headers.Remove("Date");
        request.Headers.TryAddWithoutValidation("Date", date);
        var ocpHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-ocp-", StringComparison.OrdinalIgnoreCase))
            .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(',', h.Value)));
        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        var toSign = OcpSigner.StringToSign(
            request.Method.Method, body, contentType, date, hostText, ocpHeaders,
            uri.AbsolutePath, OcpSigner.ParseQuery(uri.Query));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation(
            "Authorization", OcpSigner.AuthorizationValue(accessKeyId, OcpSigner.Sign(accessKeySecret, toSign)));
        return await base.SendAsync(request, cancellationToken);
    }
}
