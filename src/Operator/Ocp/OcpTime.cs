using System.Globalization;

namespace BackupOperator.Operator.Ocp;

/// <summary>
/// OCP's times as they come: ISO 8601 with an offset (<c>2021-09-07T14:51:41.135+08:00</c>), a
/// local time without one (read in OCP's zone, <see cref="OcpOptions.TimeZone"/>), or a number of
/// seconds or milliseconds since the epoch. Anything else is "no time", never an exception.
/// </summary>
public static class OcpTime
{
    // Epochs with at least 12 digits are milliseconds: as seconds they would be after the year 5000.
    private const long MillisecondsThreshold = 100_000_000_000;

    public static DateTime? ToUtc(string? text, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch))
        {
            return FromEpoch(epoch);
        }

        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            return null;
        }

        return parsed.Kind switch
        {
            DateTimeKind.Utc => parsed,
            DateTimeKind.Local => parsed.ToUniversalTime(),
            // No offset written: OCP's own zone. A time in a daylight-saving gap or overlap takes the zone's standard offset.
            _ => DateTime.SpecifyKind(parsed - zone.GetUtcOffset(parsed), DateTimeKind.Utc),
        };
    }

    private static DateTime? FromEpoch(double epoch)
    {
        var milliseconds = Math.Abs(epoch) >= MillisecondsThreshold ? epoch : epoch * 1000;
        var min = (double)DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
        var max = (double)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
        return double.IsFinite(milliseconds) && milliseconds >= min && milliseconds <= max
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds).UtcDateTime
            : null;
    }

    /// <summary>An IANA (or Windows) zone id; null when the system does not know it.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
