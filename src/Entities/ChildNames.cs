using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BackupOperator.Entities;

/// <summary>
/// The names of a schedule's children, deterministic so that creating the child is the
/// idempotence key (AlreadyExists: the slot or token is done). Every name is a DNS-1123
/// subdomain of at most <see cref="MaxLength"/> characters, short enough for a label value too.
/// <list type="bullet">
/// <item>a slot: <c>&lt;schedule&gt;-&lt;yyyyMMddHHmmss of the slot in UTC&gt;</c>; UTC, because a repeated local hour would otherwise name two slots alike. The mode is not in the name: one slot, one child, whatever the mode.</item>
/// <item>a run-now token: <c>&lt;schedule&gt;-now-&lt;first 10 hex of SHA-256(token)&gt;</c>.</item>
/// <item><c>immediate</c>: the FULL slot at the schedule's creation time (no cron slot can be at that instant: slots are counted after it).</item>
/// </list>
/// A schedule name too long for the suffix keeps its start and gets 8 hex of SHA-256(name), so
/// two long names with a common start still name their children apart. The schedule label's value
/// (<see cref="LabelValue"/>) is shortened the same way: a label value has at most 63 characters,
/// a schedule name up to 253.
/// </summary>
public static class ChildNames
{
    public const int MaxLength = 63;
    private const string SlotFormat = "yyyyMMddHHmmss";
    private const int HashOfNameLength = 8;
    private const int HashOfTokenLength = 10;

    public static string ForSlot(string scheduleName, DateTimeOffset slot)
    {
        var stamp = slot.UtcDateTime.ToString(SlotFormat, CultureInfo.InvariantCulture);
        return $"{Shorten(scheduleName, MaxLength - 1 - stamp.Length)}-{stamp}";
    }

    public static string ForRunNow(string scheduleName, string token)
    {
        var suffix = "now-" + Hash(token, HashOfTokenLength);
        return $"{Shorten(scheduleName, MaxLength - 1 - suffix.Length)}-{suffix}";
    }

    /// <summary>
    /// The value of the schedule label (<c>ocp.oceanbase.com/schedule</c>) on the children of <paramref name="scheduleName"/>:
    /// the name itself up to 63 characters, else its start and 8 hex of SHA-256(name). Select a long-named
    /// schedule's children with this value, or by their controller ownerReference (the schedule's uid).
    /// </summary>
    public static string LabelValue(string scheduleName) => Shorten(scheduleName, MaxLength);

    /// <summary>The scheduled-at annotation's value: the slot in RFC 3339, UTC, whole seconds.</summary>
    public static string ScheduledAt(DateTimeOffset slot) =>
        slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="name"/> itself when it has at most <paramref name="max"/> characters, else its start and
    /// 8 hex of SHA-256(name) within <paramref name="max"/>: stable, and two long names with a common start stay
    /// apart (the way Kubernetes' generators shorten names). A '-' or '.' left at the cut is dropped, so a valid
    /// DNS-1123 subdomain (or label) stays one.
    /// </summary>
    public static string Shorten(string name, int max)
    {
        if (name.Length <= max)
        {
            return name;
        }

        var kept = name[..(max - 1 - HashOfNameLength)].TrimEnd('-', '.');
        return $"{kept}-{Hash(name, HashOfNameLength)}";
    }

    private static string Hash(string text, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];
}
