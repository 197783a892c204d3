namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// What <see cref="Attribution.Check"/> found. <paramref name="Strict"/> is false when POSTs to the checked clusters
/// carried no request id at all (then every resource reporting a task is misattributed, never checked more loosely).
/// </summary>
internal sealed record AttributionReport(int Misattributed, int Orphans, bool Strict, IReadOnlyList<string> Problems);
