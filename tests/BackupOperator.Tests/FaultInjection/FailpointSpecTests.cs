using BackupOperator.Operator.FaultInjection;

namespace BackupOperator.Tests.FaultInjection;

public sealed class FailpointSpecTests
{
    [Fact]
    public void A_spec_arms_each_named_point_with_its_action()
    {
        var armed = FailpointSpec.Parse(" after-intent-write=kill ; after-post-sent@312=pause(250);after-status-write-running=off; ");

        Assert.Equal(2, armed.Count);
        Assert.Equal(FailpointAction.Kill, armed[FailpointNames.AfterIntentWrite]);
        Assert.Equal(new FailpointAction(FailpointActionKind.Pause, TimeSpan.FromMilliseconds(250), 312), armed[FailpointNames.AfterPostSent]);
        Assert.False(armed.ContainsKey(FailpointNames.AfterStatusWriteRunning));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ;  ")]
    public void No_spec_arms_nothing(string? spec) => Assert.Empty(FailpointSpec.Parse(spec));

    [Theory]
    [InlineData("after-intent-write", "is not name=action")]
    [InlineData("=kill", "is not name=action")]
    [InlineData("after-intent-writ=kill", "unknown failpoint 'after-intent-writ'; known: after-intent-write, after-post-sent")]
    [InlineData("AFTER-INTENT-WRITE=kill", "unknown failpoint")]
    [InlineData("after-intent-write=crash", "unknown action 'crash'; known: kill, pause(ms), off")]
    [InlineData("after-intent-write=pause(-5)", "unknown action 'pause(-5)'")]
    [InlineData("after-intent-write=pause(abc)", "unknown action")]
    [InlineData("after-intent-write=", "unknown action ''")]
    [InlineData("after-intent-write=kill;after-intent-write=off", "failpoint 'after-intent-write' is set twice")]
    [InlineData("after-intent-write@=kill", "'' in 'after-intent-write@' is not an OCP cluster id")]
    [InlineData("after-intent-write@x1=kill", "'x1' in 'after-intent-write@x1' is not an OCP cluster id")]
    [InlineData("after-intent-writ@5=kill", "unknown failpoint 'after-intent-writ'")]
    public void A_spec_that_cannot_be_read_is_an_error_naming_what_is_wrong(string spec, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FailpointSpec.Parse(spec));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_point_has_a_distinct_lower_case_name()
    {
        Assert.Equal(FailpointNames.All.Count, FailpointNames.All.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(FailpointNames.All, n => Assert.Matches("^[a-z]+(-[a-z]+)+$", n));
    }
}
