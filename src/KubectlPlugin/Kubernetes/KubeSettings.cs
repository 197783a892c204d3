using System.CommandLine;
using BackupOperator.KubeClient;
using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.KubectlPlugin.Kubernetes;

/// <summary>kubectl's connection flags, as given (null when absent); <paramref name="Overrides"/> holds the rest (--as, --server, ...).</summary>
public sealed record KubeSettings(string? Kubeconfig, string? Context, string? Namespace, ConnectionOverrides? Overrides = null)
{
    /// <summary>The connection flags of a command line.</summary>
    public static KubeSettings From(PluginCommands commands, ParseResult p)
    {
        var context = p.GetValue(commands.Context);
        return new KubeSettings(p.GetValue(commands.Kubeconfig), context, p.GetValue(commands.Namespace), commands.Connection.Read(p, context));
    }
}
