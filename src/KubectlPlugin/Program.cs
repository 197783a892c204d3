using BackupOperator.KubectlPlugin.Cli;

return await PluginCli.RunAsync(args, PluginConsole.System(), CancellationToken.None);
