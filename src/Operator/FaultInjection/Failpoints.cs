using System.Diagnostics;

namespace BackupOperator.Operator.FaultInjection;

/// <summary>
/// Named points where a test build of the operator dies (or stalls) on purpose, as etcd's gofail and
/// TiKV's fail-rs do, so crash tests hit the exact moment instead of racing for it. Armed at start by
/// the environment (see <see cref="FailpointSpec"/>). Every call of <see cref="Hit"/> is removed by
/// the compiler unless FAILPOINTS is defined, and the project defines it only when not publishing.
/// </summary>
public sealed partial class Failpoints
{
    // The console logger writes from a background queue: give the "fired" line a moment to get out.
    private static readonly TimeSpan LogFlushGrace = TimeSpan.FromMilliseconds(300);

    private readonly IReadOnlyDictionary<string, FailpointAction> _armed;
    private readonly ILogger _logger;
    private readonly Action _kill;
    private readonly Action<TimeSpan> _pause;

    public Failpoints(IReadOnlyDictionary<string, FailpointAction> armed, ILogger<Failpoints> logger)
        : this(armed, logger, KillSelf, Thread.Sleep)
    {
    }

    internal Failpoints(IReadOnlyDictionary<string, FailpointAction> armed, ILogger logger, Action kill, Action<TimeSpan> pause)
    {
        _armed = armed;
        _logger = logger;
        _kill = kill;
        _pause = pause;
        foreach (var (name, action) in armed)
        {
            Armed(logger, name, action.ToString());
        }
    }

    public bool IsArmed(string name) => _armed.ContainsKey(name);

    /// <summary>The operator passes failpoint <paramref name="name"/> while acting on <paramref name="subject"/>, a backup of <paramref name="clusterId"/>.</summary>
    [Conditional("FAILPOINTS")]
    public void Hit(string name, long clusterId, string subject) => Trigger(name, clusterId, subject);

    internal void Trigger(string name, long clusterId, string subject)
    {
        if (!_armed.TryGetValue(name, out var action) || !action.AppliesTo(clusterId))
        {
            return;
        }

        Fired(_logger, name, subject, action.ToString());
        switch (action.Kind)
        {
            case FailpointActionKind.Kill:
                _kill();
                break;
            case FailpointActionKind.Pause:
                _pause(action.Pause);
                break;
        }
    }

    private static void KillSelf()
    {
        Thread.Sleep(LogFlushGrace);
        // SIGKILL to itself, not Environment.Exit: no finally blocks, no host shutdown, no lease release.
        using var self = Process.GetCurrentProcess();
        self.Kill();
        // The signal is on its way; nothing after the failpoint may run meanwhile.
        Thread.Sleep(Timeout.Infinite);
    }

    [LoggerMessage(9001, LogLevel.Warning, "Failpoint {Failpoint} armed: {Action} (a test build; a published operator has no failpoints)")]
    private static partial void Armed(ILogger logger, string failpoint, string action);

    [LoggerMessage(9002, LogLevel.Warning, "Failpoint {Failpoint} fired at {Subject}: {Action}")]
    private static partial void Fired(ILogger logger, string failpoint, string subject, string action);
}
