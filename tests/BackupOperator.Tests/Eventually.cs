namespace BackupOperator.Tests;

/// <summary>
/// Waits, bounded, for what another thread finishes just after the call a test awaited (a loop's
/// bookkeeping, a request reaching a server). Polls in real time: the test's clock (a FakeTimeProvider)
/// never moves here.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    public static async Task TrueAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not reached within {Within.TotalSeconds} s");
            await Task.Delay(1);
        }
    }
}
