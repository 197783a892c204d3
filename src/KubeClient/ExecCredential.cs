using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace BackupOperator.KubeClient;

/// <summary>A kubeconfig user's exec credential plugin (users[].user.exec), client.authentication.k8s.io/v1 or v1beta1.</summary>
public sealed record ExecConfig(string Command, IReadOnlyList<string> Args, IReadOnlyList<KeyValuePair<string, string>> Env, string ApiVersion)
{
    public const string V1 = "client.authentication.k8s.io/v1";
    public const string V1Beta1 = "client.authentication.k8s.io/v1beta1";

    public string? InstallHint { get; init; }

    /// <summary>Never, IfAvailable or Always; the plugin never gets a terminal here, so Always cannot be served.</summary>
    public string? InteractiveMode { get; init; }

    /// <summary>What provideClusterInfo passes to the plugin in KUBERNETES_EXEC_INFO; null when it is not asked for.</summary>
    public ExecClusterInfo? Cluster { get; init; }
}

public sealed record ExecClusterInfo(string Server, bool InsecureSkipTlsVerify, string? CertificateAuthorityPem);

/// <summary>What a plugin answered: a bearer token, or a client certificate, valid until <see cref="Expires"/> (null: until a 401).</summary>
public sealed record ExecCredential(string? Token, X509Certificate2? ClientCertificate, DateTimeOffset? Expires)
{
    /// <summary>What it is, never the token itself: a record would print every member.</summary>
    public override string ToString() =>
        $"ExecCredential {{ Token = {(Token is null ? "none" : "(hidden)")}, ClientCertificate = {ClientCertificate?.Subject ?? "none"}, Expires = {Expires?.ToString("O", CultureInfo.InvariantCulture) ?? "never"} }}";
}

/// <summary>An exec credential plugin that could not be run or answered badly: one line naming its command, never its output.</summary>
public sealed class ExecCredentialException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A request stopped while it waited for the exec plugin's answer (its timeout, or its caller): a cancellation,
/// so that a caller's Ctrl-C stays one, whose message names the plugin, so that a timeout does not blame the server.
/// </summary>
public sealed class ExecCredentialPendingException(string message, Exception inner, CancellationToken token)
    : OperationCanceledException(message, inner, token);

/// <summary>
/// Runs a kubeconfig's exec credential plugin as client-go does: the command with its args, the caller's
/// environment plus its env and KUBERNETES_EXEC_INFO, no terminal; reads the ExecCredential it prints
/// and keeps it until its expirationTimestamp, or until <see cref="Invalidate"/> (a 401). A plugin that
/// runs longer than <see cref="Timeout"/>, prints more than <see cref="MaxOutput"/>, or is still running when the
/// provider is disposed (the command ends) is killed. The credential is never logged nor put in a message.
/// </summary>
public sealed class ExecCredentialProvider(ExecConfig config, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>The most an ExecCredential may take (a token or a certificate chain is a few KiB).</summary>
    public const int MaxOutput = 1 << 20;

    private const int MaxErrorOutput = 64 << 10;
    private readonly Lock _gate = new();
    private ExecCredential? _current;
    private Task<ExecCredential>? _running;
    private Process? _process;
    private bool _disposed;

    /// <summary>The credential last read, if still good; for the TLS handshake, which cannot wait for a plugin.</summary>
    public ExecCredential? Current => Volatile.Read(ref _current);

    /// <summary>The cached credential, or the plugin's next answer: concurrent requests share one run of it.</summary>
    public Task<ExecCredential> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Current) is { } cached)
        {
            return Task.FromResult(cached);
        }

        lock (_gate)
        {
            if (Fresh(Current) is { } again)
            {
                return Task.FromResult(again);
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            _running ??= RunAndKeepAsync();
            return Pending(_running, cancellationToken);
        }
    }

    private async Task<ExecCredential> Pending(Task<ExecCredential> running, CancellationToken cancellationToken)
    {
        try
        {
            return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested && !running.IsCompleted)
        {
            throw new ExecCredentialPendingException($"{Name} had not answered yet", e, cancellationToken);
        }
    }

    /// <summary>Kills a plugin still running: nobody is left to wait for its answer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (_process is { } process)
            {
                Stop(process);
            }
        }
    }

    private async Task<ExecCredential> RunAndKeepAsync()
    {
        // Never completes inside GetAsync's lock, so that the finally below runs after _running was set.
        await Task.Yield();
        try
        {
            // Not cancelled by one waiting request: the run is bounded by Timeout and shared.
            var credential = Parse(await RunAsync(CancellationToken.None).ConfigureAwait(false));
            Volatile.Write(ref _current, credential);
            return credential;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    /// <summary>
    /// The server refused <paramref name="used"/>: the next request runs the plugin again, unless a newer credential
    /// replaced it meanwhile (a late 401 of a request sent with the old one leaves the new one alone).
    /// </summary>
    public void Invalidate(ExecCredential used) => Interlocked.CompareExchange(ref _current, null, used);

    private ExecCredential? Fresh(ExecCredential? credential) =>
        credential is not null && (credential.Expires is null || credential.Expires > time.GetUtcNow()) ? credential : null;

    private string Name => $"exec plugin {config.Command}";

    private async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        if (config.ApiVersion is not (ExecConfig.V1 or ExecConfig.V1Beta1))
        {
            throw new ExecCredentialException($"{Name}: apiVersion {config.ApiVersion} is not supported (use {ExecConfig.V1} or {ExecConfig.V1Beta1})");
        }

        if (string.Equals(config.InteractiveMode, "Always", StringComparison.Ordinal))
        {
            throw new ExecCredentialException($"{Name}: interactiveMode Always needs a terminal, which is not given to the plugin");
        }

        var start = new ProcessStartInfo(config.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in config.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in config.Env)
        {
            start.Environment[name] = value;
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = ExecInfo();
        using var process = new Process { StartInfo = start };
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                throw new ExecCredentialException($"{Name}: cannot run it: {Kubeconfig.OneLine(e.Message)}{Hint()}", e);
            }

            _process = process;
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var stdout = ReadAtMostAsync(process.StandardOutput, MaxOutput, stopAtLimit: true, timeout.Token);
        var stderr = ReadAtMostAsync(process.StandardError, MaxErrorOutput, stopAtLimit: false, timeout.Token);
        try
        {
            if (await Task.WhenAny(stdout, process.WaitForExitAsync(timeout.Token)) == stdout && (await stdout).Overflow)
            {
                Stop(process);
                throw new ExecCredentialException($"{Name} printed more than {MaxOutput >> 20} MiB: not an ExecCredential");
            }

            await process.WaitForExitAsync(timeout.Token);
            var (output, errors) = ((await stdout).Text, (await stderr).Text);
            return process.ExitCode == 0
                ? output
                : throw new ExecCredentialException($"{Name} failed with exit code {process.ExitCode}"
                    + (FirstLine(errors) is { } line ? $": {line}" : "") + Hint());
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            Stop(process);
            throw new ExecCredentialException($"{Name}: no answer within {Timeout.TotalSeconds:0} s", e);
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _process = null;
            }
        }
    }

    /// <summary>
    /// The stream up to <paramref name="limit"/> characters. Past it: stops at once when <paramref name="stopAtLimit"/>
    /// (the caller kills the plugin), else reads on and drops the rest, so that the plugin never blocks on a full pipe.
    /// </summary>
    private static async Task<(string Text, bool Overflow)> ReadAtMostAsync(StreamReader reader, int limit, bool stopAtLimit, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        var overflow = false;
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (overflow || text.Length + read > limit)
            {
                overflow = true;
                if (stopAtLimit)
                {
                    break;
                }

                continue;
            }

            text.Append(buffer, 0, read);
        }

        return (text.ToString(), overflow);
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended by itself meanwhile.
        }
    }

    private string Hint() => config.InstallHint is { Length: > 0 } hint ? $" ({Kubeconfig.OneLine(hint)})" : "";

    private static string? FirstLine(string text) =>
        text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } line
            ? line.Length > 200 ? line[..200] + "…" : line
            : null;

    /// <summary>KUBERNETES_EXEC_INFO: an ExecCredential whose spec says whether there is a terminal (never) and, if asked, the cluster.</summary>
    private string ExecInfo()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("apiVersion", config.ApiVersion);
            json.WriteString("kind", "ExecCredential");
            json.WriteStartObject("spec");
            json.WriteBoolean("interactive", false);
            if (config.Cluster is { } cluster)
            {
                json.WriteStartObject("cluster");
                json.WriteString("server", cluster.Server);
                if (cluster.InsecureSkipTlsVerify)
                {
                    json.WriteBoolean("insecure-skip-tls-verify", true);
                }

                if (cluster.CertificateAuthorityPem is { } ca)
                {
                    json.WriteString("certificate-authority-data", Convert.ToBase64String(Encoding.UTF8.GetBytes(ca)));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The plugin's output: an ExecCredential of the configured apiVersion whose status holds a token or a certificate and key.</summary>
    internal ExecCredential Parse(string output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output);
        }
        catch (JsonException e)
        {
            throw new ExecCredentialException($"{Name} printed no ExecCredential JSON", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "kind") != "ExecCredential")
            {
                throw new ExecCredentialException($"{Name} printed JSON that is not an ExecCredential");
            }

            if (String(root, "apiVersion") is var version && version != config.ApiVersion)
            {
                throw new ExecCredentialException($"{Name} answered apiVersion {version ?? "(none)"}, the kubeconfig asks for {config.ApiVersion}");
            }

            if (!root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            {
                throw new ExecCredentialException($"{Name} printed an ExecCredential without status");
            }

            DateTimeOffset? expires = null;
            if (String(status, "expirationTimestamp") is { } stamp)
            {
                expires = DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : throw new ExecCredentialException($"{Name}: expirationTimestamp '{stamp}' is not an RFC 3339 time");
            }

            var (cert, key) = (String(status, "clientCertificateData"), String(status, "clientKeyData"));
            if (cert is not null && key is not null)
            {
                try
                {
                    return new ExecCredential(String(status, "token"), X509Certificate2.CreateFromPem(cert, key), expires);
                }
                catch (System.Security.Cryptography.CryptographicException e)
                {
                    throw new ExecCredentialException($"{Name}: clientCertificateData and clientKeyData are not a PEM certificate and key", e);
                }
            }

            if (cert is not null || key is not null)
            {
                throw new ExecCredentialException($"{Name}: status has clientCertificateData or clientKeyData, not both");
            }

            return String(status, "token") is { } token
                ? new ExecCredential(token, null, expires)
                : throw new ExecCredentialException($"{Name}: status has neither a token nor clientCertificateData and clientKeyData");
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;
}
