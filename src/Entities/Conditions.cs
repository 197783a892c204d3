using k8s.Models;

namespace BackupOperator.Entities;

/// <summary>The Kubernetes condition convention, shared by every status: one entry per type.</summary>
public static class Conditions
{
    /// <summary>A copy of <paramref name="c"/>, for a status that must not share its conditions with another.</summary>
    public static V1Condition Copy(V1Condition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        LastTransitionTime = c.LastTransitionTime,
        ObservedGeneration = c.ObservedGeneration,
    };

    /// <summary>Sets a condition; lastTransitionTime moves only when its status flips.</summary>
    public static void Set(IList<V1Condition> conditions, string type, bool status, string reason, string message, DateTime now, long? generation)
    {
        var value = status ? "True" : "False";
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(new V1Condition { LastTransitionTime = now, Message = message, Reason = reason, Status = value, Type = type, ObservedGeneration = generation });
            return;
        }

        if (existing.Status != value)
        {
            existing.LastTransitionTime = now;
        }

        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = generation;
    }
}
