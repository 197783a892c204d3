using BackupOperator.Entities;
using BackupOperator.Operator.Diagnostics;
using BackupOperator.Operator.FaultInjection;
using BackupOperator.Operator.Kubernetes;
using BackupOperator.Tests.Reconciliation.ClusterBackupNow;

namespace BackupOperator.Tests.FaultInjection;

/// <summary>Which failpoint a status write passes, told by what the write records.</summary>
public sealed class StatusWriteFailpointsTests
{
    private static readonly DateTime Now = TestResources.Start.UtcDateTime;

    [Fact]
    public void A_new_intent_passes_after_intent_write_only()
    {
        var intent = TestResources.Submitting(Now).With(s => s.RequestId = "r1");
        Assert.Null(StatusWriteFailpoints.Before(null, intent));
        Assert.Equal(FailpointNames.AfterIntentWrite, StatusWriteFailpoints.After(null, intent));
        Assert.Equal(FailpointNames.AfterIntentWrite, StatusWriteFailpoints.After(new ClusterBackupNowStatus { Phase = "Pending" }, intent));

        // The same intent written again (a retry's attempt count, a message) is not a new one.
        var again = TestResources.Submitting(Now, attempts: 1).With(s => s.RequestId = "r1");
        Assert.Null(StatusWriteFailpoints.After(intent, again));
    }

    [Fact]
    public void The_first_write_of_task_ids_passes_both_task_points_and_later_writes_none()
    {
        var intent = TestResources.Submitting(Now).With(s => s.RequestId = "r1");
        var running = TestResources.Running(Now, 3000001).With(s => s.RequestId = "r1");
        Assert.Equal(FailpointNames.AfterAnswerBeforeStatusWrite, StatusWriteFailpoints.Before(intent, running));
        Assert.Equal(FailpointNames.AfterStatusWriteRunning, StatusWriteFailpoints.After(intent, running));

        var progress = TestResources.Running(Now.AddSeconds(5), 3000001).With(s => s.RequestId = "r1");
        Assert.Null(StatusWriteFailpoints.Before(running, progress));
        Assert.Null(StatusWriteFailpoints.After(running, progress));
    }
}
