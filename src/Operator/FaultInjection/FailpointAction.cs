namespace BackupOperator.Operator.FaultInjection;

/// <summary>
/// An armed failpoint's action; <paramref name="Pause"/> is used by <see cref="FailpointActionKind.Pause"/> only.
/// With <paramref name="ClusterId"/>, the point acts only when passed for that OCP cluster.
/// </summary>
public sealed record FailpointAction(FailpointActionKind Kind, TimeSpan Pause = default, long? ClusterId = null)
{
    public static FailpointAction Kill { get; } = new(FailpointActionKind.Kill);

    public bool AppliesTo(long clusterId) => ClusterId is null || ClusterId == clusterId;

    public override string ToString() =>
        (Kind == FailpointActionKind.Pause ? $"pause({Pause.TotalMilliseconds:0})" : "kill")
        + (ClusterId is { } id ? $" (cluster {id})" : "");
}
