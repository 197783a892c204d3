using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace BackupOperator.Operator.Hosting;

/// <summary>Section "Http": where the probes and the metrics are served.</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>"http://+:8080/" is every IPv4 address, port 8080; "http://127.0.0.1:9090/" one address; port 0 any free one.</summary>
    [Required]
    public string Url { get; set; } = "http://+:8080/";

    /// <summary>The address and port of <see cref="Url"/>.</summary>
    public IPEndPoint EndPoint()
    {
        var rest = Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Url["http://".Length..] : Url;
        rest = rest.TrimEnd('/');
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new OptionsValidationException(Section, typeof(HttpOptions), [$"Http:Url '{Url}' is not http://host:port/"]);
        }

        var host = rest[..colon].Trim('[', ']');
        var address = host switch
        {
            "+" or "*" or "" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => throw new OptionsValidationException(Section, typeof(HttpOptions), [$"Http:Url host '{host}' is not an IP address, localhost, + or *"]),
        };
        return new IPEndPoint(address, port);
    }
}

/// <summary>Checks <see cref="HttpOptions"/>'s attributes at start, generated at compile time (no reflection).</summary>
[OptionsValidator]
public sealed partial class HttpOptionsValidator : IValidateOptions<HttpOptions>;
