using BackupOperator.Operator;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddBackupOperator();
var app = builder.Build();
app.MapBackupOperatorEndpoints();
await app.RunAsync();
