using System.Text;
using System.Text.Json;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// Masks every secret value known for a request (OCP password or access key secret, the
/// object-store key) in text that came from OCP, before it can reach status, events or logs: OCP
/// or a proxy in front of it may echo a request back in an error. Each secret is masked as sent
/// and in the forms an echo may take: JSON-escaped, URL-encoded, and inside a Basic credential.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    private readonly string[] _forms;

    public SecretMasker(IEnumerable<string?> secrets, string? basicUser = null)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)).Cast<string>())
        {
            forms.Add(secret);
            forms.Add(JsonEncodedText.Encode(secret).Value);
            forms.Add(Uri.EscapeDataString(secret));
            if (basicUser is not null)
            {
                forms.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basicUser}:{secret}")));
            }
        }

        // Longest first, so a secret that contains another is masked whole.
        _forms = [.. forms.Where(f => f.Length > 0).OrderByDescending(f => f.Length)];
    }

    public static SecretMasker None { get; } = new([]);

    /// <summary>The same masker, also masking <paramref name="more"/> (e.g. the object-store key of one request).</summary>
    public SecretMasker With(IEnumerable<string?> more) => new(_forms.Concat(more));

    public string? Apply(string? text)
    {
        if (string.IsNullOrEmpty(text) || _forms.Length == 0)
        {
            return text;
        }

        foreach (var form in _forms)
        {
            if (text.Contains(form, StringComparison.Ordinal))
            {
                text = text.Replace(form, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
