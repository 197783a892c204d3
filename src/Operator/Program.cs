using BackupOperator.KubeClient;
using BackupOperator.Operator.Hosting;

KubeConnection.PreloadSystemTrust();

// Configuration (appsettings.json) comes from the operator's own directory, wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBackupOperator();
await builder.Build().RunAsync();
