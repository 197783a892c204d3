using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Reconciliation.ClusterBackupNow;

/// <summary>A POST without a clear answer may have started a backup: look before sending again.</summary>
public sealed class UnconfirmedSubmissionTests
{
    public static TheoryData<string> Unconfirmed => ["lost", "500", "html 200"];

    [Theory]
    [MemberData(nameof(Unconfirmed))]
    public async Task Unconfirmed_post_stays_submitting_then_adopts_the_task_it_created(string failure)
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Failure(failure));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal("SubmissionUnconfirmed", d.Status.Reason);
        Assert.Contains("the backup may have started", d.Status.Message, StringComparison.Ordinal);
        Assert.Equal(1, d.Status.SubmitAttempts);
        Assert.Equal(h.Options.SubmissionSettleDelay, d.RequeueAfter);
        Assert.Equal("SubmissionUnconfirmed", Assert.Single(d.Events).Reason);

        h.Time.Advance(h.Options.SubmissionSettleDelay);
        h.Ocp.AnswerList(TestResources.Task(777, created: h.Now.AddSeconds(-4)));
        var next = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Running, next.Status!.Phase);
        Assert.Equal([777L], next.Status.TaskIds);
        Assert.True(next.Status.Adopted);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task Unconfirmed_post_after_a_restart_is_looked_up_too()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Lost());
        await h.StepAsync(backup);

        h.Restart();
        h.Ocp.AnswerList(TestResources.Task(777, created: h.Now));
        var d = await h.StepAsync(backup);

        Assert.Equal([777L], d.Status!.TaskIds);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task No_task_found_sends_again_and_gives_up_after_max_attempts()
    {
        var h = new Harness();
        h.Options.MaxSubmitAttempts = 3;
        var backup = TestResources.Backup();
        await h.StepAsync(backup);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            h.Ocp.FailPost(Fail.Lost());
            var d = await h.StepAsync(backup);
            Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
            Assert.Equal(attempt, d.Status.SubmitAttempts);
            Assert.Equal(attempt, h.Ocp.Posts.Count);
            h.Time.Advance(h.Options.SubmissionSettleDelay);
        }

        var final = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Failed, final.Status!.Phase);
        Assert.Equal("SubmissionUnconfirmed", final.Status.Reason);
        Assert.Contains("gave up after 3 backupNow attempts", final.Status.Message, StringComparison.Ordinal);
        Assert.Null(final.RequeueAfter);
        Assert.True(Assert.Single(final.Events).Warning);
        Assert.Equal(3, h.Ocp.Posts.Count);
        Assert.Equal(4, h.Ocp.Lists.Count); // the high-water mark, then a lookup before each new attempt and before giving up

        await h.StepAsync(backup);
        Assert.Equal(3, h.Ocp.Posts.Count);
    }

    [Fact]
    public async Task Unconfirmed_post_then_unreachable_list_sends_nothing()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Lost());
        await h.StepAsync(backup);
        h.Ocp.FailList(Fail.Unreachable("listTasks"));

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Unknown, d.Status!.Phase);
        Assert.Equal(1, d.Status.SubmitAttempts);
        Assert.Single(h.Ocp.Posts);
    }

    [Fact]
    public async Task Ocp_answering_again_during_submission_clears_unreachable()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        await h.StepAsync(backup);
        h.Ocp.FailPost(Fail.Unreachable());
        await h.StepAsync(backup);
        h.Time.Advance(h.Options.RetryInterval);
        h.Ocp.FailPost(Fail.ServerError());

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal("SubmissionUnconfirmed", d.Status.Reason);
        Assert.Null(d.Status.UnreachableSince);
        Assert.True(d.Status.IsConditionTrue(ConditionTypes.OcpReachable));
        Assert.Equal(2, h.Ocp.Lists.Count); // the high-water mark before the intent, then one lookup
    }

    [Fact]
    public async Task Broken_secret_during_submission_keeps_the_intent_and_warns_once()
    {
        var h = new Harness();
        var backup = TestResources.Backup();
        var requestId = (await h.StepAsync(backup)).Status!.RequestId;
        h.Connector.Failure = new OcpConfigurationException("Secret db/ocp-credentials not found");

        var d = await h.StepAsync(backup);

        Assert.Equal(BackupPhase.Submitting, d.Status!.Phase);
        Assert.Equal("ConfigurationInvalid", d.Status.Reason);
        Assert.Equal("Secret db/ocp-credentials not found", d.Status.Message);
        Assert.Equal(requestId, d.Status.RequestId);
        Assert.True(Assert.Single(d.Events).Warning);
        Assert.Empty(h.Ocp.Posts);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await h.StepAsync(backup);
        Assert.Null(again.Status);
        Assert.Empty(again.Events);
        Assert.Equal(TimeSpan.FromSeconds(30), again.RequeueAfter);
    }

    private static OcpApiException Failure(string name) => name switch
    {
        "lost" => Fail.Lost(),
        "500" => Fail.ServerError(),
        _ => Fail.Invalid(status: 200),
    };
}
