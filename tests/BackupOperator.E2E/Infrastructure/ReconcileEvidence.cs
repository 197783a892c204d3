using System.Text.RegularExpressions;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// Evidence that the operator looked at one object, for tests that assert nothing happened: the
/// controller loop logs "Reconciling ns/name" (EventId 1011, Trace) as it takes the key. The work
/// queue never works one key twice at once, so a second start after a moment means a whole
/// reconcile ran after it.
/// </summary>
internal static class ReconcileEvidence
{
    /// <summary>How many reconciles of <paramref name="ns"/>/<paramref name="name"/> the process has started.</summary>
    public static int ReconcilesOf(this OperatorProcess op, string ns, string name) =>
        Regex.Count(op.Log, $@"Reconciling {Regex.Escape(ns)}/{Regex.Escape(name)}\r?$", RegexOptions.Multiline);

    /// <summary>Waits until the shared operator has run at least one whole reconcile of the object since it had started <paramref name="since"/>.</summary>
    public static Task UntilReconciledSinceAsync(this E2EEnvironment env, string ns, string name, int since, CancellationToken ct) =>
        env.UntilAsync(() => Task.FromResult(env.Operator.ReconcilesOf(ns, name) >= since + 2), TimeSpan.FromSeconds(30),
            $"a whole reconcile of {ns}/{name} after its {since} earlier one(s)", ct);
}
