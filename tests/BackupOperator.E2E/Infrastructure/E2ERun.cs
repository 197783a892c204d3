using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: Xunit.TestCollectionOrderer("BackupOperator.E2E.Infrastructure.FinalCollectionLast", "BackupOperator.E2E")]

namespace BackupOperator.E2E.Infrastructure;

/// <summary>Facts about this test run shared by all collections.</summary>
internal static class E2ERun
{
    /// <summary>Every operator process of this run logs here, so the final collection can read them all.</summary>
    public static string LogDirectory { get; } = Directory.CreateDirectory(Path.Combine(
        Path.GetTempPath(), "backup-operator-e2e-logs", $"{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddHHmmss}")).FullName;
}

/// <summary>Runs the collection named "final" after all others: it checks what the whole run left behind.</summary>
public sealed class FinalCollectionLast : ITestCollectionOrderer
{
    public const string Final = "final";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName.EndsWith(Final, StringComparison.Ordinal) ? 1 : 0);
}
