namespace BackupOperator.OcpSimulator;

/// <summary>
/// The simulator's behaviour, as set through the admin API (<c>POST /_sim/config</c>) or the test
/// handle; a null field keeps what was set before, or (after <c>/_sim/reset</c>) the configured
/// <see cref="SimulatorOptions"/> value. Every "hard OCP" setting is off by default.
/// </summary>
public sealed record SimSettings(
    int? TaskDurationMs = null,
    string? BusyMode = null,
    bool? IgnoreSort = null,
    int? ResponseDelayMs = null,
    bool? ForeignTasks = null,
    int? TaskIdBlock = null,
    int? TaskIdSeed = null,
    bool? ShufflePages = null,
    bool? OmitPageCounts = null,
    string? StatusForm = null,
    bool? DelayOutlivesDisconnect = null,
    bool? FixDurationAtCreation = null)
{
    /// <summary>These settings, with every field this one leaves null taken from <paramref name="earlier"/>.</summary>
    public SimSettings Over(SimSettings earlier) => new(
        TaskDurationMs ?? earlier.TaskDurationMs,
        BusyMode ?? earlier.BusyMode,
        IgnoreSort ?? earlier.IgnoreSort,
        ResponseDelayMs ?? earlier.ResponseDelayMs,
        ForeignTasks ?? earlier.ForeignTasks,
        TaskIdBlock ?? earlier.TaskIdBlock,
        TaskIdSeed ?? earlier.TaskIdSeed,
        ShufflePages ?? earlier.ShufflePages,
        OmitPageCounts ?? earlier.OmitPageCounts,
        StatusForm ?? earlier.StatusForm,
        DelayOutlivesDisconnect ?? earlier.DelayOutlivesDisconnect,
        FixDurationAtCreation ?? earlier.FixDurationAtCreation);

    /// <summary>The configured options as settings: what a reset returns to.</summary>
    public static SimSettings From(SimulatorOptions o) => new(
        o.TaskDurationMs, o.BusyMode, o.IgnoreSort, o.ResponseDelayMs, o.ForeignTasks, o.TaskIdBlock, o.TaskIdSeed,
        o.ShufflePages, o.OmitPageCounts, o.StatusForm, o.DelayOutlivesDisconnect, o.FixDurationAtCreation);
}
