namespace BackupOperator.Tests;

/// <summary>The checkout the tests run from: found by walking up to BackupOperator.sln.</summary>
internal static class RepoRoot
{
    public static string Directory { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Directory, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "BackupOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BackupOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
