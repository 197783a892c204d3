using BackupOperator.Entities;
using BackupOperator.KubectlPlugin.Backups;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.KubectlPlugin.Backups;

/// <summary>The name `backup create --from-schedule S` makes without a NAME: S-manual-&lt;UTC time&gt;, always a valid name.</summary>
public sealed class ManualNameTests
{
    [Fact]
    public void The_schedule_manual_and_the_utc_time_of_the_clock_lower_case()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 40, 12, TimeSpan.FromHours(8)));
        Assert.Equal("nightly-manual-20261206t044012z", ManualName.For("nightly", time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("nightly-manual-20261206t044013z", ManualName.For("nightly", time.GetUtcNow()));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(229)]
    [InlineData(230)]
    [InlineData(253)]
    public void A_long_schedule_name_is_cut_so_the_whole_is_at_most_253_and_valid(int length)
    {
        var schedule = string.Concat(Enumerable.Repeat("ab.cd-", 50))[..(length - 1)] + "z";
        var name = ManualName.For(schedule, new DateTimeOffset(2026, 12, 6, 4, 40, 12, TimeSpan.Zero));
        Assert.True(name.Length <= DnsNames.MaxSubdomainLength, $"{name.Length}: {name}");
        Assert.True(DnsNames.IsSubdomain(name), name);
        Assert.EndsWith("-manual-20261206t044012z", name, StringComparison.Ordinal);
        Assert.StartsWith(schedule[..Math.Min(length, 200)].TrimEnd('-', '.'), name, StringComparison.Ordinal);
        if (length <= 229)
        {
            Assert.Equal(schedule + "-manual-20261206t044012z", name);
        }
    }

    [Fact]
    public void A_cut_that_ends_in_a_dash_or_dot_drops_it()
    {
        var schedule = new string('a', 219) + ".b" + new string('c', 30);
        var name = ManualName.For(schedule, DateTimeOffset.UnixEpoch);
        Assert.Matches("^a{219}-[0-9a-f]{8}-manual-19700101t000000z$", name);
        Assert.True(DnsNames.IsSubdomain(name));
    }

    [Fact]
    public void Two_long_schedule_names_with_the_same_start_name_their_drills_apart_and_each_always_alike()
    {
        var start = new string('n', 240);
        var at = new DateTimeOffset(2026, 12, 6, 4, 40, 12, TimeSpan.Zero);
        var first = ManualName.For(start + "-first", at);
        var second = ManualName.For(start + "-second", at);

        Assert.NotEqual(first, second);
        Assert.Equal(first, ManualName.For(start + "-first", at)); // stable: the same schedule and second, the same name
        Assert.All([first, second], n => Assert.True(DnsNames.IsSubdomain(n), n));
        Assert.All([first, second], n => Assert.Equal(DnsNames.MaxSubdomainLength, n.Length));
        Assert.All([first, second], n => Assert.Matches("^n+-[0-9a-f]{8}-manual-20261206t044012z$", n));
    }
}
