namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>Where a command reads and writes, and what it knows of its process: swapped in tests.</summary>
public sealed record PluginConsole(TextWriter Out, TextWriter Error, TextReader In, Func<string, string?> Environment, TimeProvider Time)
{
    /// <summary>Whether the command is the whole process, so it may set what is process-wide (the TLS trust store); not in tests.</summary>
    public bool OwnsProcess { get; init; }

    public static PluginConsole System() =>
        new(Console.Out, Console.Error, Console.In, global::System.Environment.GetEnvironmentVariable, TimeProvider.System) { OwnsProcess = true };
}
