using System.Diagnostics.CodeAnalysis;
using BackupOperator.Entities;
using Cronos;

namespace BackupOperator.Operator.Reconciliation.ClusterBackupSchedule;

/// <summary>Why a schedule cannot fire: the field at fault, a CamelCase reason, and a message that says what to fix.</summary>
public sealed record ScheduleError(string Field, string Reason, string Message)
{
    /// <summary>spec.schedule or spec.incrementalSchedule is not a cron expression.</summary>
    public const string InvalidCron = "InvalidCron";

    /// <summary>spec.timeZone is not a known IANA time zone.</summary>
    public const string UnknownTimeZone = "UnknownTimeZone";
}

/// <summary>
/// A schedule's two crons, parsed, and the time zone they are read in. Cron forms: 5 fields
/// (minute hour day-of-month month day-of-week), 6 fields with seconds first, or one of
/// <see cref="Macros"/>; the form is decided by the number of fields, never guessed otherwise.
/// </summary>
public sealed class CronSchedule
{
    public const string ScheduleField = "spec.schedule";
    public const string IncrementalField = "spec.incrementalSchedule";
    public const string TimeZoneField = "spec.timeZone";

    /// <summary>The macros accepted; Cronos knows more (@every_second), which are refused as a backup schedule.</summary>
    public static readonly IReadOnlyList<string> Macros = ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"];

    private CronSchedule(CronExpression full, CronExpression? incremental, TimeZoneInfo zone)
    {
        Full = full;
        Incremental = incremental;
        Zone = zone;
    }

    /// <summary>When FULL backups run.</summary>
    public CronExpression Full { get; }

    /// <summary>When INCREMENTAL backups run; null without an incrementalSchedule.</summary>
    public CronExpression? Incremental { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses the spec's crons and time zone; bad input is an error value naming the field, never an exception.</summary>
    public static bool TryParse(ClusterBackupScheduleSpec spec, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out ScheduleError? error)
    {
        schedule = null;
        if (!TryParseCron(spec.Schedule, ScheduleField, out var full, out error))
        {
            return false;
        }

        CronExpression? incremental = null;
        if (!string.IsNullOrWhiteSpace(spec.IncrementalSchedule) && !TryParseCron(spec.IncrementalSchedule, IncrementalField, out incremental, out error))
        {
            return false;
        }

        if (!TryFindZone(spec.EffectiveTimeZone, out var zone, out error))
        {
            return false;
        }

        schedule = new CronSchedule(full, incremental, zone);
        return true;
    }

    /// <summary>One cron expression in one of the accepted forms.</summary>
    public static bool TryParseCron(string? text, string field, [NotNullWhen(true)] out CronExpression? cron, [NotNullWhen(false)] out ScheduleError? error)
    {
        cron = null;
        error = null;
        var expression = text?.Trim() ?? "";
        if (expression.Length == 0)
        {
            error = new ScheduleError(field, ScheduleError.InvalidCron, $"{field} is empty; write a cron expression such as '0 2 * * *' (02:00 every day) or @daily");
            return false;
        }

        CronFormat format;
        if (expression.StartsWith('@'))
        {
            var macro = expression.ToLowerInvariant();
            if (!Macros.Contains(macro))
            {
                error = new ScheduleError(field, ScheduleError.InvalidCron, $"{field} '{expression}' is not a supported macro; use one of {string.Join(", ", Macros)}");
                return false;
            }

            expression = macro;
            format = CronFormat.Standard;
        }
        else
        {
            var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            switch (fields.Length)
            {
                case 5:
                    format = CronFormat.Standard;
                    break;
                case 6:
                    format = CronFormat.IncludeSeconds;
                    break;
                default:
                    error = new ScheduleError(field, ScheduleError.InvalidCron,
                        $"{field} '{expression}' has {fields.Length} fields; write 5 (minute hour day-of-month month day-of-week), 6 (seconds first) or one of {string.Join(", ", Macros)}");
                    return false;
            }

            expression = string.Join(' ', fields);
        }

        try
        {
            cron = CronExpression.Parse(expression, format);
            return true;
        }
        catch (CronFormatException e)
        {
            error = new ScheduleError(field, ScheduleError.InvalidCron, $"{field} '{expression}' is not a cron expression: {e.Message}");
            return false;
        }
    }

    /// <summary>An IANA time zone by name (Asia/Shanghai, Europe/Berlin, UTC).</summary>
    public static bool TryFindZone(string name, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out ScheduleError? error)
    {
        zone = null;
        error = null;
        if (string.Equals(name, "UTC", StringComparison.Ordinal))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException or IOException or UnauthorizedAccessException)
        {
            error = new ScheduleError(TimeZoneField, ScheduleError.UnknownTimeZone,
                $"{TimeZoneField} '{name}' is not a known IANA time zone; write a name such as UTC, Asia/Shanghai or Europe/Berlin");
            return false;
        }
    }
}
