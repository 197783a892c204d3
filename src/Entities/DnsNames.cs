using System.Text.RegularExpressions;

namespace BackupOperator.Entities;

/// <summary>
/// Kubernetes' name rules, as the CRDs state them at admission (their <c>pattern</c>s are these, a test
/// checks) and as the operator checks them again for objects stored before the CRDs said so: a name
/// that passes is a single, harmless path segment (no <c>/</c>, never <c>.</c> or <c>..</c>).
/// </summary>
public static partial class DnsNames
{
    /// <summary>A DNS-1123 subdomain (Secret, ClusterOcpConnection names): lower-case alphanumerics, '-' and '.', at most 253.</summary>
    public const string SubdomainPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A DNS-1123 label (namespace names): lower-case alphanumerics and '-', at most 63.</summary>
    public const string LabelPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    public const int MaxSubdomainLength = 253;
    public const int MaxLabelLength = 63;

    public static bool IsSubdomain(string? name) => name is { Length: > 0 and <= MaxSubdomainLength } && Subdomain().IsMatch(name);

    public static bool IsLabel(string? name) => name is { Length: > 0 and <= MaxLabelLength } && Label().IsMatch(name);

    [GeneratedRegex(SubdomainPattern, RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();

    [GeneratedRegex(LabelPattern, RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
