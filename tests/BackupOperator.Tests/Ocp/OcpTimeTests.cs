using System.Text;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Ocp;

/// <summary>OCP's times in every shape it may write them; none of them is ever a crash.</summary>
public sealed class OcpTimeTests
{
    private static readonly TimeZoneInfo Shanghai = OcpTime.FindZone("Asia/Shanghai")!;
    private static readonly TimeZoneInfo NewYork = OcpTime.FindZone("America/New_York")!;

    [Theory]
    [InlineData("2021-09-07T14:51:41.135+08:00", "2021-09-07T06:51:41.135Z")]
    [InlineData("2021-09-07T06:51:41Z", "2021-09-07T06:51:41Z")]
    [InlineData("2021-09-07 14:51:41", "2021-09-07T06:51:41Z")]        // no offset: OCP's zone
    [InlineData("2021-09-07T14:51:41.135", "2021-09-07T06:51:41.135Z")]
    [InlineData("1630997501", "2021-09-07T06:51:41Z")]                 // epoch seconds
    [InlineData("1630997501135", "2021-09-07T06:51:41.135Z")]          // epoch milliseconds
    public void Times_are_read_in_utc(string text, string expected)
    {
        var utc = OcpTime.ToUtc(text, Shanghai);

        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), utc);
        Assert.Equal(DateTimeKind.Utc, utc!.Value.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2021-13-45 99:99:99")]
    [InlineData("1e400")]
    [InlineData("-99999999999999999999")]
    [InlineData("{\"epochSecond\": 1}")]
    public void Unreadable_times_are_no_time_and_no_crash(string text) => Assert.Null(OcpTime.ToUtc(text, Shanghai));

    [Theory]
    [InlineData("2026-03-08 02:30:00")] // does not exist in New York: clocks jump from 02:00 to 03:00
    [InlineData("2026-11-01 01:30:00")] // happens twice in New York
    public void Daylight_saving_gaps_and_overlaps_are_read_without_error(string text)
    {
        var utc = OcpTime.ToUtc(text, NewYork);

        Assert.NotNull(utc);
        Assert.InRange(utc!.Value - DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(4), TimeSpan.FromHours(5));
    }

    [Fact]
    public void A_task_with_numeric_times_is_read_from_ocps_json()
    {
        var json = """
            {"successful": true, "data": {"id": 7, "name": "Backup cluster data", "status": "RUNNING",
             "createTime": 1630997501135, "startTime": 1630997501, "finishTime": null}}
            """;

        var task = OcpClient.Interpret("getTask", 200, Encoding.UTF8.GetBytes(json), OcpJsonContext.Default.OcpEnvelopeTaskInstance).Data;

        Assert.Equal(new DateTime(2021, 9, 7, 6, 51, 41, 135, DateTimeKind.Utc), OcpTime.ToUtc(task.CreateTime, TimeZoneInfo.Utc));
        Assert.Equal(new DateTime(2021, 9, 7, 6, 51, 41, DateTimeKind.Utc), OcpTime.ToUtc(task.StartTime, TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("UTC", true)]
    [InlineData("Asia/Shanghai", true)]
    [InlineData("Mars/Olympus", false)]
    [InlineData("", false)]
    public void The_time_zone_option_is_checked_at_start(string zone, bool valid)
    {
        var options = new OcpOptions { TimeZone = zone };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var ok = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.Equal(valid, ok);
        if (!valid)
        {
            Assert.Contains(results, r => r.MemberNames.Contains(nameof(OcpOptions.TimeZone)));
        }
    }
}
