using BackupOperator.Operator;

// Configuration (appsettings.json) comes from the operator's own directory, wherever it is started from.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBackupOperator();
var app = builder.Build();
app.MapBackupOperatorEndpoints();
await app.RunAsync();
