namespace BackupOperator.E2E.Infrastructure;

internal static class TestTimeout
{
    /// <summary>A bound on one test, so a hang fails the test instead of the whole run.</summary>
    public static CancellationToken Token(int minutes = 3) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;
}
