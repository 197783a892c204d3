namespace BackupOperator.Operator;

public static class OperatorHostExtensions
{
    public static WebApplicationBuilder AddBackupOperator(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapBackupOperatorEndpoints(this WebApplication app) => app;
}
