using System.Diagnostics;
using System.Reflection;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Tests.Diagnostics;

namespace BackupOperator.Tests.FaultInjection;

public sealed class FailpointsTests
{
    private readonly ListLogger _log = new();
    private readonly List<string> _actions = [];

    private Failpoints Arm(string spec) =>
        new(FailpointSpec.Parse(spec), _log, () => _actions.Add("kill"), d => _actions.Add($"pause {d.TotalMilliseconds}"));

    [Fact]
    public void An_armed_point_acts_and_says_so_and_other_points_do_nothing()
    {
        var failpoints = Arm("after-post-sent=kill;after-intent-write=pause(40)");
        Assert.Contains("Failpoint after-post-sent armed: kill (a test build; a published operator has no failpoints)", _log.Lines);

        failpoints.Trigger(FailpointNames.AfterStatusWriteRunning, 1, "e2e/a (cluster 1)");
        Assert.Empty(_actions);

        failpoints.Trigger(FailpointNames.AfterIntentWrite, 1, "e2e/a (cluster 1)");
        failpoints.Trigger(FailpointNames.AfterPostSent, 1, "POST /api/v2/ob/clusters/1/backup/backupNow");
        Assert.Equal(["pause 40", "kill"], _actions);
        Assert.Contains("Failpoint after-intent-write fired at e2e/a (cluster 1): pause(40)", _log.Lines);
        Assert.Contains("Failpoint after-post-sent fired at POST /api/v2/ob/clusters/1/backup/backupNow: kill", _log.Lines);
    }

    [Fact]
    public void A_point_armed_for_one_cluster_acts_for_that_cluster_only()
    {
        var failpoints = Arm("after-intent-write@312=kill");
        Assert.Contains("Failpoint after-intent-write armed: kill (cluster 312) (a test build; a published operator has no failpoints)", _log.Lines);

        failpoints.Trigger(FailpointNames.AfterIntentWrite, 31, "e2e/other (cluster 31)");
        Assert.Empty(_actions);
        failpoints.Trigger(FailpointNames.AfterIntentWrite, 312, "e2e/mine (cluster 312)");
        Assert.Equal(["kill"], _actions);
    }

    [Fact]
    public void Nothing_armed_logs_nothing()
    {
        Arm("").Trigger(FailpointNames.AfterIntentWrite, 1, "x");
        Assert.Empty(_log.Lines);
        Assert.Empty(_actions);
    }

    [Fact]
    public void Every_hook_is_compiled_only_where_FAILPOINTS_is_defined()
    {
        MethodInfo[] hooks =
        [
            typeof(Failpoints).GetMethod(nameof(Failpoints.Hit))!,
            typeof(StatusWriteFailpoints).GetMethod(nameof(StatusWriteFailpoints.BeforeStatusWrite))!,
            typeof(StatusWriteFailpoints).GetMethod(nameof(StatusWriteFailpoints.AfterStatusWrite))!,
        ];
        Assert.All(hooks, m => Assert.Equal("FAILPOINTS", m.GetCustomAttribute<ConditionalAttribute>()?.ConditionString));
    }

    [Fact]
    public void The_operator_project_defines_FAILPOINTS_only_when_not_publishing()
    {
        var project = System.Xml.Linq.XDocument.Load(RepoRoot.Path("src", "Operator", "BackupOperator.csproj"));
        var defines = project.Descendants("DefineConstants").Where(d => d.Value.Contains("FAILPOINTS", StringComparison.Ordinal)).ToList();
        var define = Assert.Single(defines);
        // A publish for the E2E suite (hack/test.sh's NativeAOT build) asks for them with -p:Failpoints=true.
        Assert.Equal("'$(_IsPublishing)' != 'true' Or '$(Failpoints)' == 'true'", define.Parent!.Attribute("Condition")?.Value);
    }
}
