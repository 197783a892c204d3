using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>The Ready condition of a ClusterOcpConnection, as methods, so every writer records it the same way.</summary>
public static class ClusterOcpConnectionStatusTransitions
{
    /// <summary>The one condition: True when the Secret resolves and OCP answers an authenticated read.</summary>
    public const string Ready = "Ready";

    /// <summary>The reason of a working connection.</summary>
    public const string Connected = "Connected";

    public static ClusterOcpConnectionStatus SetReady(this ClusterOcpConnectionStatus s, string message, DateTime now, long? generation) =>
        s.SetReadyCondition(true, Connected, message, now, generation);

    public static ClusterOcpConnectionStatus SetNotReady(this ClusterOcpConnectionStatus s, string reason, string message, DateTime now, long? generation) =>
        s.SetReadyCondition(false, reason, message, now, generation);

    public static V1Condition? ReadyCondition(this ClusterOcpConnectionStatus? s) =>
        s?.Conditions?.FirstOrDefault(c => c.Type == Ready);

    public static bool IsReady(this ClusterOcpConnectionStatus? s) => s.ReadyCondition()?.Status == "True";

    /// <summary>A deep copy: the decision works on it, never on the cached object.</summary>
    public static ClusterOcpConnectionStatus Copy(this ClusterOcpConnectionStatus s) => new()
    {
        ObservedGeneration = s.ObservedGeneration,
        Conditions = s.Conditions?.Select(Conditions.Copy).ToList(),
    };

    // lastTransitionTime moves only when the status flips; observedGeneration always follows the spec seen.
    private static ClusterOcpConnectionStatus SetReadyCondition(this ClusterOcpConnectionStatus s, bool ready, string reason, string message, DateTime now, long? generation)
    {
        s.ObservedGeneration = generation;
        Conditions.Set(s.Conditions ??= [], Ready, ready, reason, message, now, generation);
        return s;
    }
}
