using BackupOperator.KubectlPlugin.Output;

namespace BackupOperator.Tests.KubectlPlugin.Output;

/// <summary>The AGE column reads like kubectl's (apimachinery duration.HumanDuration).</summary>
public sealed class AgeTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-0.5, "0s")]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(330, "5m30s")]
    [InlineData(600, "10m")]
    [InlineData(10_799, "179m")]
    [InlineData(10_800, "3h")]
    [InlineData(12_600, "3h30m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(52 * 3600, "2d4h")]
    [InlineData(8 * 86400, "8d")]
    [InlineData(800 * 86400, "2y70d")]
    [InlineData(3000 * 86400, "8y")]
    public void Like_kubectl(double seconds, string expected) => Assert.Equal(expected, Age.Human(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Of_a_timestamp_or_none()
    {
        var now = new DateTimeOffset(2026, 5, 1, 1, 0, 45, TimeSpan.Zero);
        Assert.Equal("45s", Age.Of(new DateTime(2026, 5, 1, 1, 0, 0, DateTimeKind.Utc), now));
        Assert.Equal("<unknown>", Age.Of(null, now));
    }
}
