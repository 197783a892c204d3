using System.Runtime.InteropServices;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>
/// Leaves the system's trusted roots unread when the API server is verified against the kubeconfig's
/// own CA (or not at all). .NET on Linux reads the whole system store (the bundle and every file of
/// /etc/ssl/certs) on the first TLS handshake, even when the chain is then checked against a custom root
/// only: 50–100 ms, more than the rest of a `kubectl ocp backup list` (bench/plugin.sh). kubectl does not
/// read them either: client-go trusts only the kubeconfig's CA when it names one.
/// </summary>
/// <remarks>
/// The runtime finds the store through OpenSSL's SSL_CERT_FILE and SSL_CERT_DIR, read from the native
/// environment on the first load and cached with what it found. So they are pointed at nothing for that
/// one load and set back at once: an exec credential plugin started later sees the user's own values.
/// Nothing else here speaks TLS. Should the native calls be unavailable, the store is read as before:
/// slower, and no less strict, as <see cref="BackupOperator.KubeClient.KubeConnection"/> checks the CA itself.
/// </remarks>
internal static partial class SystemTrust
{
    private const string Nowhere = "/dev/null/no-system-trust";
    private static readonly string[] Variables = ["SSL_CERT_FILE", "SSL_CERT_DIR"];

    /// <summary>Loads the system store as empty; call before the first connection, while no other thread reads the environment.</summary>
    public static void LoadEmpty()
    {
        string?[] saved;
        try
        {
            saved = Array.ConvertAll(Variables, Get);
            foreach (var name in Variables)
            {
                _ = SetEnv(name, Nowhere, 1);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return;
        }

        try
        {
            BackupOperator.KubeClient.KubeConnection.LoadSystemTrust();
        }
        finally
        {
            for (var i = 0; i < Variables.Length; i++)
            {
                _ = saved[i] is { } value ? SetEnv(Variables[i], value, 1) : UnsetEnv(Variables[i]);
            }
        }
    }

    private static string? Get(string name) => Marshal.PtrToStringUTF8(GetEnv(name));

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnv(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);
}
