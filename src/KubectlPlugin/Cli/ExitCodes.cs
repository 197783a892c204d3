namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>What the plugin's exit code says; a pipeline step can tell a failed backup from a broken step.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked; a waited-for backup Succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The waited-for backup Failed.</summary>
    public const int BackupFailed = 1;

    /// <summary>The wait's --timeout passed before the backup ended.</summary>
    public const int TimedOut = 2;

    /// <summary>The backup or schedule does not exist, or the API server forbade the request (403).</summary>
    public const int NotFoundOrForbidden = 3;

    /// <summary>Anything else: a bad flag, an unreadable file or kubeconfig, an unreachable or refusing API server.</summary>
    public const int Error = 4;

    /// <summary>Ctrl-C (SIGINT) ended the command: 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>SIGTERM ended the command: 128 + 15.</summary>
    public const int Terminated = 143;
}
