using BackupOperator.KubectlPlugin.Cli;

using var interruption = new Interruption();
return await PluginCli.RunAsync(args, PluginConsole.System(), interruption.Token, () => interruption.ExitCode);
