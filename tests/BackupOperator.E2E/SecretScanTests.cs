using BackupOperator.E2E.Infrastructure;

namespace BackupOperator.E2E;

[CollectionDefinition(FinalCollectionLast.Final)]
public sealed class FinalCollection;

/// <summary>After every other end-to-end test: no credential in any line any operator process logged, at Trace level.</summary>
[Collection(FinalCollectionLast.Final)]
public sealed class SecretScanTests
{
    private static readonly string[] Secrets =
    [
        SimulatorHandle.Password, SimulatorHandle.AccessKeySecret, "oss-sample-secret-value", "not-the-password",
    ];

    [Fact]
    public void No_secret_value_appears_in_the_logs_of_the_whole_run()
    {
        var files = Directory.GetFiles(E2ERun.LogDirectory, "operator-*.log");
        Assert.NotEmpty(files);
        var logs = string.Join('\n', files.Select(File.ReadAllText));
        Assert.Contains("trce:", logs, StringComparison.Ordinal); // the operators really logged at Trace level
        foreach (var secret in Secrets)
        {
            var hits = logs.Split('\n').Where(l => l.Contains(secret, StringComparison.Ordinal)).Take(3).ToList();
            Assert.True(hits.Count == 0, $"a secret value appears in the operator logs:\n{string.Join('\n', hits)}");
        }
    }
}
