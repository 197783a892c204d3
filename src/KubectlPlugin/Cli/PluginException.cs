namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>An error the user should read: one line, and the exit code it ends the plugin with.</summary>
public sealed class PluginException(string message, int exitCode = ExitCodes.Error, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
