using BackupOperator.KubectlPlugin.Cli;

namespace BackupOperator.Tests.KubectlPlugin.Cli;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m0.5s", 60_500)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void Reads_kubectls_durations(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), d);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("1h 30m")]
    [InlineData("s30")]
    public void Refuses_what_kubectl_refuses(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(7_200_000, "2h")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(2_000, "2s")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(0, "0s")]
    public void Writes_them_back_the_same_way(long milliseconds, string text) =>
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
