using System.Text.RegularExpressions;
using BackupOperator.Entities;
using static BackupOperator.Tests.Reconciliation.ClusterBackupSchedule.Schedules;

namespace BackupOperator.Tests.Entities;

/// <summary>Children are named from the schedule and the slot or token: deterministic, distinct, valid.</summary>
public sealed partial class ChildNamesTests
{
    // 253 characters: the longest name a schedule can have.
    private static readonly string Longest = string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + ".b";

    [Fact]
    public void A_slot_name_is_the_schedule_and_the_slot_in_UTC()
    {
        Assert.Equal("nightly-20260329010000", ChildNames.ForSlot("nightly", Utc(2026, 3, 29, 1)));
        Assert.Equal("nightly-20260329010000", ChildNames.ForSlot("nightly", new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2))));
        Assert.Equal("db.prod-nightly-20261231235959", ChildNames.ForSlot("db.prod-nightly", Utc(2026, 12, 31, 23, 59, 59)));
    }

    [Fact]
    public void The_two_passes_of_a_repeated_local_hour_have_two_names()
    {
        Assert.NotEqual(ChildNames.ForSlot("s", Utc(2026, 10, 25, 0, 30)), ChildNames.ForSlot("s", Utc(2026, 10, 25, 1, 30)));
    }

    [Fact]
    public void A_run_now_name_is_the_schedule_now_and_a_short_hash_of_the_token()
    {
        var a = ChildNames.ForRunNow("nightly", "2026-05-01-restore-drill");

        Assert.Matches("^nightly-now-[0-9a-f]{10}$", a);
        Assert.Equal(a, ChildNames.ForRunNow("nightly", "2026-05-01-restore-drill"));
        Assert.NotEqual(a, ChildNames.ForRunNow("nightly", "2026-05-01-restore-drill2"));
        Assert.NotEqual(a, ChildNames.ForRunNow("weekly", "2026-05-01-restore-drill"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("nightly")]
    [InlineData("exactly-forty-eight-characters-long-schedule-nam")]
    [InlineData("exactly-forty-eight-characters-long-schedule-name")]
    [InlineData("a-name-whose-truncation-point-falls-on-a-dash------------x")]
    [InlineData("a.name.whose.truncation.point.falls.on.a.dot..............x")]
    public void Names_are_DNS_1123_subdomains_of_at_most_63_characters(string schedule)
    {
        foreach (var name in new[]
        {
            ChildNames.ForSlot(schedule, Utc(2026, 5, 1, 2)),
            ChildNames.ForRunNow(schedule, "token with spaces/and:colons"),
            ChildNames.ForRunNow(schedule, new string('t', 5000)),
        })
        {
            Assert.True(name.Length <= ChildNames.MaxLength, $"{name}: {name.Length} characters");
            Assert.Matches(Dns1123Subdomain(), name);
        }
    }

    [Fact]
    public void The_longest_schedule_name_gives_valid_names()
    {
        var name = ChildNames.ForSlot(Longest, Utc(2026, 5, 1, 2));

        Assert.Equal(253, Longest.Length);
        Assert.Equal(63, name.Length);
        Assert.Matches(Dns1123Subdomain(), name);
        Assert.EndsWith("-20260501020000", name, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_name_is_kept_whole_and_a_long_one_keeps_its_start_and_a_hash()
    {
        var fits = new string('s', 48);
        var tooLong = new string('s', 49);

        Assert.Equal($"{fits}-20260501020000", ChildNames.ForSlot(fits, Utc(2026, 5, 1, 2)));
        Assert.Matches($"^{new string('s', 39)}-[0-9a-f]{{8}}-20260501020000$", ChildNames.ForSlot(tooLong, Utc(2026, 5, 1, 2)));
    }

    [Fact]
    public void Two_long_schedule_names_with_a_common_start_name_their_children_apart()
    {
        var start = new string('x', 60);

        Assert.NotEqual(ChildNames.ForSlot(start + "-full", Utc(2026, 5, 1, 2)), ChildNames.ForSlot(start + "-other", Utc(2026, 5, 1, 2)));
        Assert.NotEqual(ChildNames.ForRunNow(start + "-full", "t"), ChildNames.ForRunNow(start + "-other", "t"));
    }

    [Theory]
    [InlineData("nightly")]
    [InlineData("exactly-sixty-three-characters-long-schedule-name-for-the-label")]
    public void A_schedule_name_that_fits_a_label_value_is_the_label_value(string schedule)
    {
        Assert.Equal(63, "exactly-sixty-three-characters-long-schedule-name-for-the-label".Length);
        Assert.Equal(schedule, ChildNames.LabelValue(schedule));
    }

    [Theory]
    [InlineData("exactly-sixty-four-characters-long-schedule-name-for-the-label-x")]
    [InlineData("a-schedule-name-of-seventy-characters-whose-label-value-must-be-cut.--")]
    [InlineData("a.schedule.name.of.seventy.characters.whose.label.value.must.be.cut.x")]
    public void A_longer_schedule_name_gives_a_valid_label_value_of_its_start_and_a_hash(string schedule)
    {
        var value = ChildNames.LabelValue(schedule);

        Assert.True(value.Length <= 63, $"{value}: {value.Length} characters");
        Assert.Matches(LabelValuePattern(), value);
        Assert.Matches("-[0-9a-f]{8}$", value);
        Assert.StartsWith(schedule[..40], value, StringComparison.Ordinal);
        Assert.Equal(value, ChildNames.LabelValue(schedule));
        Assert.NotEqual(value, ChildNames.LabelValue(schedule + "2"));
    }

    [Fact]
    public void The_longest_schedule_name_gives_a_valid_label_value()
    {
        var value = ChildNames.LabelValue(Longest);

        Assert.Equal(63, value.Length);
        Assert.Matches(LabelValuePattern(), value);
    }

    [Fact]
    public void The_scheduled_at_annotation_is_RFC_3339_in_UTC()
    {
        Assert.Equal("2026-03-29T01:00:00Z", ChildNames.ScheduledAt(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2))));
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    // Kubernetes' label value: at most 63 characters, alphanumeric at both ends.
    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValuePattern();
}
