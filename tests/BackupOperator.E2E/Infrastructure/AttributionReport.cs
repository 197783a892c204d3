namespace BackupOperator.E2E.Infrastructure;

/// <summary>What <see cref="Attribution.Check"/> found; <paramref name="Strict"/> when POSTs carried request ids.</summary>
internal sealed record AttributionReport(int Misattributed, int Orphans, bool Strict, IReadOnlyList<string> Problems);
