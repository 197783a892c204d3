namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>Where a command reads and writes, and what it knows of its process: swapped in tests.</summary>
public sealed record PluginConsole(TextWriter Out, TextWriter Error, TextReader In, Func<string, string?> Environment, TimeProvider Time)
{
    public static PluginConsole System() =>
        new(Console.Out, Console.Error, Console.In, global::System.Environment.GetEnvironmentVariable, TimeProvider.System);
}
