namespace BackupOperator.Operator.Diagnostics;

/// <summary>An armed failpoint's action; <paramref name="Pause"/> is used by <see cref="FailpointActionKind.Pause"/> only.</summary>
public sealed record FailpointAction(FailpointActionKind Kind, TimeSpan Pause = default)
{
    public static FailpointAction Kill { get; } = new(FailpointActionKind.Kill);

    public override string ToString() =>
        Kind == FailpointActionKind.Pause ? $"pause({Pause.TotalMilliseconds:0})" : "kill";
}
