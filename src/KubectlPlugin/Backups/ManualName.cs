using System.Globalization;
using BackupOperator.Entities;

namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>
/// The name `backup create --from-schedule S` gives a backup when none is given:
/// <c>S-manual-&lt;UTC yyyyMMdd't'HHmmss'z'&gt;</c>, e.g. <c>nightly-manual-20261206t044012z</c> (ISO 8601's
/// basic format, lower-cased: a DNS-1123 name allows no upper case or ':'). The time sorts the drills of a
/// schedule by when they were made and tells them from its slots (<c>S-20261206044012</c>) and run-now
/// backups (<c>S-now-…</c>). A schedule name too long for the suffix within 253 characters keeps its
/// start and gets 8 hex of SHA-256(schedule name), as the schedule's own children do
/// (<see cref="ChildNames.Shorten"/>): two long schedules with a common start name their drills apart.
/// The name is a DNS-1123 subdomain; no label carries it (the schedule label is dropped from a drill).
/// Two in the same second of one schedule collide: the second create is refused as existing, and nothing
/// is overwritten.
/// </summary>
public static class ManualName
{
    public const string Infix = "-manual-";
    private const string StampFormat = "yyyyMMdd't'HHmmss'z'";

    public static string For(string scheduleName, DateTimeOffset now)
    {
        var suffix = Infix + now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
        return ChildNames.Shorten(scheduleName, DnsNames.MaxSubdomainLength - suffix.Length) + suffix;
    }
}
