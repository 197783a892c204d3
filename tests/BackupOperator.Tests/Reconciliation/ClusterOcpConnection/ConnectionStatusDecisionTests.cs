using BackupOperator.Entities;
using BackupOperator.Operator.Ocp;
using BackupOperator.Operator.Reconciliation.ClusterOcpConnection;
using k8s.Models;

namespace BackupOperator.Tests.Reconciliation.ClusterOcpConnection;

/// <summary>(connection, check, now) → status, event, requeue: without network, Secrets or clock.</summary>
public sealed class ConnectionStatusDecisionTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly ConnectionOptions Options = new();
    private static readonly SecretReference Secret = new() { Namespace = "ops", Name = "ocp-main" };
    private static readonly ConnectionCheck Ok = ConnectionCheck.Connected(accessKey: false);
    private static readonly ConnectionCheck Missing = ConnectionCheck.SecretUnavailable(Secret, forbidden: false);

    [Fact]
    public void A_new_connection_that_works_is_Ready_Connected_with_an_event_and_rechecked_every_five_minutes()
    {
        var d = ConnectionStatusDecision.Decide(Connection(generation: 3), Ok, Start, Options);

        var ready = d.Status.ReadyCondition()!;
        Assert.Equal("True", ready.Status);
        Assert.Equal("Connected", ready.Reason);
        Assert.Equal(Start, ready.LastTransitionTime);
        Assert.Equal(3, ready.ObservedGeneration);
        Assert.Equal(3, d.Status!.ObservedGeneration);
        Assert.Equal(new ConnectionEvent(false, "Connected", Ok.Message), d.Event);
        Assert.Equal(TimeSpan.FromMinutes(5), d.RequeueAfter);
    }

    [Fact]
    public void A_recheck_that_finds_the_same_writes_nothing_and_tells_nothing()
    {
        var first = ConnectionStatusDecision.Decide(Connection(), Ok, Start, Options);

        var again = ConnectionStatusDecision.Decide(Connection(status: first.Status), Ok, Start.AddMinutes(5), Options);

        Assert.Null(again.Status);
        Assert.Null(again.Event);
        Assert.Equal(TimeSpan.FromMinutes(5), again.RequeueAfter);
    }

    [Fact]
    public void The_decision_never_changes_the_status_it_was_given()
    {
        var first = ConnectionStatusDecision.Decide(Connection(), Ok, Start, Options).Status!;
        var given = Connection(status: first);

        ConnectionStatusDecision.Decide(given, Missing, Start.AddMinutes(1), Options);

        Assert.Equal("True", given.Status.ReadyCondition()!.Status);
        Assert.Equal("Connected", given.Status.ReadyCondition()!.Reason);
    }

    [Fact]
    public void A_flip_to_not_ready_moves_lastTransitionTime_and_warns_once()
    {
        var ready = ConnectionStatusDecision.Decide(Connection(), Ok, Start, Options).Status!;

        var broken = ConnectionStatusDecision.Decide(Connection(status: ready), Missing, Start.AddMinutes(5), Options);
        var still = ConnectionStatusDecision.Decide(Connection(status: broken.Status), Missing, Start.AddMinutes(6), Options);

        var condition = broken.Status.ReadyCondition()!;
        Assert.Equal("False", condition.Status);
        Assert.Equal("SecretNotFound", condition.Reason);
        Assert.Equal(Start.AddMinutes(5), condition.LastTransitionTime);
        Assert.Equal(new ConnectionEvent(true, "SecretNotFound", Missing.Message), broken.Event);
        Assert.Null(still.Status);
        Assert.Null(still.Event);
    }

    [Fact]
    public void A_new_reason_while_not_ready_is_written_and_told_but_keeps_lastTransitionTime()
    {
        var missing = ConnectionStatusDecision.Decide(Connection(), Missing, Start, Options).Status!;
        var refused = ConnectionCheck.FromOcp(new OcpApiException("listTasks", OcpFailureKind.Rejected, "authentication failed: wrong password", 401, "Unauthorized"), Secret);

        var d = ConnectionStatusDecision.Decide(Connection(status: missing), refused, Start.AddMinutes(1), Options);

        var condition = d.Status.ReadyCondition()!;
        Assert.Equal("OcpAuthenticationFailed", condition.Reason);
        Assert.Equal(Start, condition.LastTransitionTime);
        Assert.Equal(new ConnectionEvent(true, "OcpAuthenticationFailed", refused.Message), d.Event);
    }

    [Fact]
    public void A_new_message_with_the_same_reason_is_written_without_an_event()
    {
        var first = ConnectionStatusDecision.Decide(Connection(), Unreachable("connection failed: Connection refused"), Start, Options).Status!;

        var d = ConnectionStatusDecision.Decide(Connection(status: first), Unreachable("no answer within 30 s"), Start.AddSeconds(15), Options);

        Assert.NotNull(d.Status);
        Assert.Contains("no answer within 30 s", d.Status.ReadyCondition()!.Message, StringComparison.Ordinal);
        Assert.Null(d.Event);
    }

    [Fact]
    public void A_recovered_connection_flips_back_with_a_normal_event()
    {
        var broken = ConnectionStatusDecision.Decide(Connection(), Missing, Start, Options).Status!;

        var d = ConnectionStatusDecision.Decide(Connection(status: broken), Ok, Start.AddMinutes(2), Options);

        Assert.Equal("True", d.Status.ReadyCondition()!.Status);
        Assert.Equal(Start.AddMinutes(2), d.Status.ReadyCondition()!.LastTransitionTime);
        Assert.Equal(new ConnectionEvent(false, "Connected", Ok.Message), d.Event);
        Assert.Equal(Options.RecheckInterval, d.RequeueAfter);
    }

    [Fact]
    public void A_new_generation_is_observed_even_when_the_outcome_is_the_same()
    {
        var first = ConnectionStatusDecision.Decide(Connection(generation: 1), Ok, Start, Options).Status!;

        var d = ConnectionStatusDecision.Decide(Connection(generation: 2, status: first), Ok, Start.AddSeconds(1), Options);

        Assert.Equal(2, d.Status!.ObservedGeneration);
        Assert.Equal(2, d.Status.ReadyCondition()!.ObservedGeneration);
        Assert.Equal(Start, d.Status.ReadyCondition()!.LastTransitionTime);
        Assert.Null(d.Event);
    }

    [Fact]
    public void While_not_ready_the_waits_double_from_the_retry_interval_up_to_the_maximum()
    {
        var status = ConnectionStatusDecision.Decide(Connection(), Missing, Start, Options).Status!;
        var waits = new List<TimeSpan>();
        var now = Start;
        for (var i = 0; i < 9; i++)
        {
            var d = ConnectionStatusDecision.Decide(Connection(status: status), Missing, now, Options);
            waits.Add(d.RequeueAfter);
            now += d.RequeueAfter;
        }

        Assert.Equal(
            new[] { 15, 15, 30, 60, 120, 240, 300, 300, 300 }.Select(s => TimeSpan.FromSeconds(s)),
            waits);
    }

    [Fact]
    public void The_intervals_come_from_the_options()
    {
        var options = new ConnectionOptions
        {
            RecheckInterval = TimeSpan.FromSeconds(5),
            RetryInterval = TimeSpan.FromMilliseconds(500),
            MaxRetryInterval = TimeSpan.FromSeconds(2),
        };
        var broken = ConnectionStatusDecision.Decide(Connection(), Missing, Start, options);
        var later = ConnectionStatusDecision.Decide(Connection(status: broken.Status), Missing, Start.AddMinutes(1), options);
        var ready = ConnectionStatusDecision.Decide(Connection(status: broken.Status), Ok, Start.AddMinutes(1), options);

        Assert.Equal(TimeSpan.FromMilliseconds(500), broken.RequeueAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), later.RequeueAfter);
        Assert.Equal(TimeSpan.FromSeconds(5), ready.RequeueAfter);
    }

    [Fact]
    public void Other_conditions_are_kept()
    {
        var status = new ClusterOcpConnectionStatus { Conditions = [new V1Condition { Type = "Granted", Status = "True", Reason = "Other" }] };

        var d = ConnectionStatusDecision.Decide(Connection(status: status), Ok, Start, Options);

        Assert.Equal(["Granted", "Ready"], d.Status!.Conditions!.Select(c => c.Type));
    }

    private static ConnectionCheck Unreachable(string detail) =>
        ConnectionCheck.FromOcp(new OcpApiException("listTasks", OcpFailureKind.Unreachable, detail), Secret);

    internal static V1alpha1ClusterOcpConnection Connection(long generation = 1, ClusterOcpConnectionStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "ocp-main", Uid = "uid-1", Generation = generation, ResourceVersion = "10" },
        Spec = new ClusterOcpConnectionSpec { Url = "https://ocp.example.com:8080", CredentialsSecretRef = Secret },
        Status = status,
    };
}
