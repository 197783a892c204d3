await BackupOperator.OcpSimulator.SimulatorApp.RunAsync(args);
