using k8s;
using k8s.Models;

namespace BackupOperator.Operator.Kubernetes;

/// <summary>Records Kubernetes Events about an object, for `kubectl describe`.</summary>
public interface IEventRecorder
{
    /// <summary>Best effort and never blocking: an event that cannot be written is logged, never fails or slows a reconcile.</summary>
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, ObjectEvent objectEvent, CancellationToken cancellationToken);
}
