using System.Reflection;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>The plugin's own version: the assembly's informational version (set at build, e.g. -p:Version=1.2.0).</summary>
public static class PluginVersion
{
    public static string Client { get; } =
        typeof(PluginVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { Length: > 0 } v
            ? "v" + v.TrimStart('v')
            : "unknown";
}
