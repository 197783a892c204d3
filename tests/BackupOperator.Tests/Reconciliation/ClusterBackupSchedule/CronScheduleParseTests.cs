using BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;
using static BackupOperator.Tests.Reconciliation.ClusterBackupSchedule.Schedules;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupSchedule;

/// <summary>The cron forms the contract names parse; anything else is an error value that names the field.</summary>
public sealed class CronScheduleParseTests
{
    [Theory]
    [InlineData("0 2 * * *", "2026-05-01T02:00:00Z")]            // 5 fields: minute hour dom month dow
    [InlineData("30 0 2 * * *", "2026-05-01T02:00:30Z")]         // 6 fields: seconds first
    [InlineData("  0   2 * *  * ", "2026-05-01T02:00:00Z")]      // extra blanks are not fields
    [InlineData("*/15 * * * * *", "2026-05-01T00:00:15Z")]       // seconds-granular, as the e2e uses
    [InlineData("0 2 * * MON-FRI", "2026-05-01T02:00:00Z")]      // 1 May 2026 is a Friday
    [InlineData("@hourly", "2026-05-01T01:00:00Z")]
    [InlineData("@daily", "2026-05-02T00:00:00Z")]
    [InlineData("@DAILY", "2026-05-02T00:00:00Z")]
    [InlineData("@weekly", "2026-05-03T00:00:00Z")]              // Sunday
    [InlineData("@monthly", "2026-06-01T00:00:00Z")]
    [InlineData("@yearly", "2027-01-01T00:00:00Z")]
    public void Each_documented_form_parses_and_fires_where_expected(string cron, string expected)
    {
        var s = Parse(cron);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            s.Full.GetNextOccurrence(Utc(2026, 5, 1, 0), s.Zone));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("0 2 * *", "has 4 fields")]
    [InlineData("0 0 2 * * * 2026", "has 7 fields")]
    [InlineData("61 * * * *", "is not a cron expression")]
    [InlineData("0 25 * * *", "is not a cron expression")]
    [InlineData("0 2 * * FUNDAY", "is not a cron expression")]
    [InlineData("@every_second", "is not a supported macro")]
    [InlineData("@midnightish", "is not a supported macro")]
    public void A_bad_schedule_is_an_InvalidCron_error_naming_spec_schedule(string cron, string words)
    {
        Assert.False(CronSchedule.TryParse(Spec(cron), out var parsed, out var error));

        Assert.Null(parsed);
        Assert.Equal("spec.schedule", error.Field);
        Assert.Equal("InvalidCron", error.Reason);
        Assert.StartsWith("spec.schedule", error.Message, StringComparison.Ordinal);
        Assert.Contains(words, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_incremental_schedule_names_spec_incrementalSchedule()
    {
        Assert.False(CronSchedule.TryParse(Spec("0 2 * * *", "0 */0 * * *"), out _, out var error));

        Assert.Equal("spec.incrementalSchedule", error.Field);
        Assert.Equal("InvalidCron", error.Reason);
        Assert.Contains("spec.incrementalSchedule '0 */0 * * *'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("Asia/Shanghai ")]
    [InlineData("CEST+2")]
    public void An_unknown_time_zone_is_an_UnknownTimeZone_error_naming_spec_timeZone(string zone)
    {
        Assert.False(CronSchedule.TryParse(Spec("0 2 * * *", zone: zone), out _, out var error));

        Assert.Equal("spec.timeZone", error.Field);
        Assert.Equal("UnknownTimeZone", error.Reason);
        Assert.Contains($"'{zone}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("IANA", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("UTC")]
    public void No_time_zone_is_UTC(string? zone)
    {
        var s = Parse("0 2 * * *", zone: zone);

        Assert.Equal(TimeSpan.Zero, s.Zone.BaseUtcOffset);
        Assert.False(s.Zone.SupportsDaylightSavingTime);
    }

    [Fact]
    public void The_cron_is_checked_before_the_time_zone_and_the_first_error_is_reported()
    {
        Assert.False(CronSchedule.TryParse(Spec("nonsense", zone: "Nowhere/Nothing"), out _, out var error));

        Assert.Equal("spec.schedule", error.Field);
    }

    [Fact]
    public void Without_an_incremental_schedule_there_are_only_full_slots()
    {
        var s = Parse("0 2 * * *", incremental: "  ");

        Assert.Null(s.Incremental);
        Assert.Null(SlotPlanner.Plan(s, Utc(2026, 5, 1, 0), Utc(2026, 5, 1, 0), null).NextIncremental);
    }
}
