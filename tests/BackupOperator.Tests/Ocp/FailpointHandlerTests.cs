using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Ocp;
using BackupOperator.Tests.Diagnostics;

namespace BackupOperator.Tests.Ocp;

public sealed class FailpointHandlerTests
{
    [Fact]
    public async Task After_post_sent_fires_once_OCP_answered_backupNow_of_its_cluster_and_not_for_reads()
    {
        var events = new List<string>();
        var stub = new StubHandler(_ =>
        {
            events.Add("OCP answered");
            return StubHandler.Answer(200, "{}");
        });
        var failpoints = new Failpoints(FailpointSpec.Parse("after-post-sent@7=kill"), new ListLogger(), () => events.Add("kill"), _ => { });
        using var http = new HttpClient(FailpointHandler.Wrap(stub, failpoints));

        using var read = await http.GetAsync(new Uri("http://ocp.test/api/v2/tasks/instances/1"));
        Assert.Equal(["OCP answered"], events);

        using var other = await http.PostAsync(new Uri("http://ocp.test/api/v2/ob/clusters/70/backup/backupNow"), new StringContent("{}"));
        Assert.Equal(["OCP answered", "OCP answered"], events);

        using var post = await http.PostAsync(new Uri("http://ocp.test/api/v2/ob/clusters/7/backup/backupNow"), new StringContent("{}"));
        Assert.Equal(["OCP answered", "OCP answered", "OCP answered", "kill"], events);
    }

    [Fact]
    public void Without_the_point_armed_no_handler_is_added()
    {
        using var stub = StubHandler.Always(200, "{}");
        var failpoints = new Failpoints(FailpointSpec.Parse("after-intent-write=kill"), new ListLogger(), () => { }, _ => { });
        Assert.Same(stub, FailpointHandler.Wrap(stub, failpoints));
        Assert.Same(stub, FailpointHandler.Wrap(stub, null));
    }
}
