using BackupOperator.Operator.Ocp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BackupOperator.Tests.Ocp;

/// <summary>The OCP clients kept do not grow with every credential ever seen.</summary>
public sealed class OcpClientFactoryTests
{
    private static readonly OcpConnectionSettings Connection = new("Secret db/ocp-credentials", "https://ocp.example.com", "admin", "first-password");

    [Fact]
    public void A_client_of_a_changed_secret_is_dropped_once_unused_and_the_new_one_is_kept()
    {
        var time = new FakeTimeProvider();
        using var factory = new OcpClientFactory(Options.Create(new OcpOptions()), time, NullLogger<OcpClientFactory>.Instance);
        var old = factory.Get(Connection);
        time.Advance(TimeSpan.FromSeconds(10));
        var rotated = factory.Get(Connection with { Password = "rotated-password" });

        time.Advance(OcpClientFactory.SupersededTimeout);
        Assert.Same(rotated, factory.Get(Connection with { Password = "rotated-password" }));

        Assert.Equal(1, factory.Count);
        Assert.NotSame(old, factory.Get(Connection)); // the old password is a new client if ever used again
    }

    [Fact]
    public void A_client_in_use_is_kept_and_an_idle_one_is_dropped()
    {
        var time = new FakeTimeProvider();
        using var factory = new OcpClientFactory(Options.Create(new OcpOptions()), time, NullLogger<OcpClientFactory>.Instance);
        var busy = factory.Get(Connection);
        factory.Get(Connection with { Source = "Secret other/ocp", Username = "other" });

        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Same(busy, factory.Get(Connection));
        }

        Assert.Equal(1, factory.Count);
    }

    [Fact]
    public void Thousands_of_credentials_over_a_day_leave_only_the_recent_ones()
    {
        var time = new FakeTimeProvider();
        using var factory = new OcpClientFactory(Options.Create(new OcpOptions()), time, NullLogger<OcpClientFactory>.Instance);
        for (var i = 0; i < 2000; i++)
        {
            factory.Get(Connection with { Source = $"Secret ns{i}/ocp", Password = $"p{i}" });
            time.Advance(TimeSpan.FromSeconds(45));
        }

        Assert.InRange(factory.Count, 1, (int)(OcpClientFactory.IdleTimeout / TimeSpan.FromSeconds(45)) + 2);
    }
}
