using System.Globalization;
using System.Net;
using System.Security.Authentication;
using System.Text;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>Whatever went wrong, as one line a user can act on, and the exit code it means.</summary>
public static class ApiErrors
{
    public static PluginException Describe(Exception e, string? server, TimeSpan? requestTimeout = null)
    {
        var at = server is null ? "the API server" : $"the API server at {server}";
        return e switch
        {
            PluginException p => p,
            KubeApiException h => FromResponse(h, at),
            HttpRequestException { InnerException: AuthenticationException } r => new PluginException($"TLS with {at} failed: {Innermost(r)}", ExitCodes.Error, e),
            HttpRequestException r => new PluginException($"cannot reach {at}: {Innermost(r)}", ExitCodes.Error, e),
            AuthenticationException a => new PluginException($"TLS with {at} failed: {OneLine(a.Message)}", ExitCodes.Error, e),
            TimeoutException or TaskCanceledException { InnerException: TimeoutException } => new PluginException(
                $"{at} did not answer within {GoDuration.Format(requestTimeout ?? KubeSession.RequestTimeout)}", ExitCodes.Error, e),
            OperationCanceledException => new PluginException("interrupted", ExitCodes.Error, e), // Ctrl-C, not a timeout
            KubeconfigException k => new PluginException($"kubeconfig: {OneLine(k.Message)}", ExitCodes.Error, e),
            ExecCredentialException x => new PluginException($"kubeconfig credentials: {OneLine(x.Message)}", ExitCodes.Error, e),
            IOException io => new PluginException(OneLine(io.Message), ExitCodes.Error, e),
            _ => new PluginException(OneLine(e.Message), ExitCodes.Error, e),
        };
    }

    /// <summary>A 404 that is not about one object: the API server does not serve the kind (the CRD is not installed).</summary>
    public static bool IsMissingResourceType(KubeApiException e) =>
        e.StatusCode == HttpStatusCode.NotFound && string.IsNullOrEmpty(e.Status?.Details?.Name);

    /// <summary>
    /// One line that a terminal only prints: its lines joined by a space, ESC shown as ^[ (as kubectl shows it) and every other
    /// control or bidi character as \xNN or \uNNNN. Text from a status (a tenant's OCP writes hints and messages), a label or
    /// a server's answer cannot move the cursor, clear the screen or forge a line.
    /// </summary>
    public static string OneLine(string s)
    {
        var line = string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (!line.Any(ActsOnTerminal))
        {
            return line;
        }

        var visible = new StringBuilder(line.Length + 16);
        foreach (var c in line)
        {
            _ = c switch
            {
                '\u001b' => visible.Append("^["),
                <= '\u00ff' when ActsOnTerminal(c) => visible.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ when ActsOnTerminal(c) => visible.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => visible.Append(c),
            };
        }

        return visible.ToString();
    }

    /// <summary>C0 and C1 controls and DEL, the bidi controls and marks that reorder what follows, and the line and paragraph separators.</summary>
    private static bool ActsOnTerminal(char c) =>
        char.IsControl(c) || c is (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u061c' or '\u200e' or '\u200f' or '\u2028' or '\u2029';

    private static PluginException FromResponse(KubeApiException e, string at)
    {
        // A Status's message as kubectl shows it; without a Status, the code and what the server said in text (kubectl:
        // "an error on the server (...)"): a proxy's {"message": ...} is not taken for the API server's word; a Status
        // without a message gives its code and reason.
        var code = $"{(int)e.StatusCode} {ReasonPhrase(e.StatusCode)}";
        var message = OneLine(e.Status is { Kind: "Status", Message: { } m } && !string.IsNullOrWhiteSpace(m) ? m
            : e.Text is { } text ? $"{code}: {text}"
            : e.Status is { Kind: "Status", Reason: { Length: > 0 } reason } ? $"{code} ({reason})"
            : code);
        return e.StatusCode switch
        {
            HttpStatusCode.NotFound when IsMissingResourceType(e) => new PluginException(
                $"{at} does not serve the resource ({message}): are the BackupOperator CRDs installed (kubectl apply -f config/crds)?", ExitCodes.NotFoundOrForbidden, e),
            HttpStatusCode.NotFound or HttpStatusCode.Forbidden => new PluginException(message, ExitCodes.NotFoundOrForbidden, e),
            HttpStatusCode.Unauthorized => new PluginException($"{at} refused the kubeconfig's credentials: {message}", ExitCodes.Error, e),
            _ => new PluginException(message, ExitCodes.Error, e),
        };
    }

    /// <summary>HTTP's reason phrase ("Service Unavailable"), as the answer without a Status has nothing better.</summary>
    private static string ReasonPhrase(HttpStatusCode code)
    {
        using var response = new HttpResponseMessage(code);
        return response.ReasonPhrase ?? code.ToString();
    }

    private static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            messages.Add(OneLine(x.Message));
        }

        // HttpClient's outer message is generic; the socket's says what happened ("Connection refused (127.0.0.1:6443)").
        return messages.Count > 1 ? messages[^1] : messages[0];
    }
}
