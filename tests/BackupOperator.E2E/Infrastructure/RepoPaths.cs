namespace BackupOperator.E2E.Infrastructure;

/// <summary>Where things are in the checkout the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Config(params string[] parts) => Path.Combine([Root, "config", .. parts]);

    /// <summary>The configuration this code was built in; the solution's other outputs are looked for in the same.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The operator as built by `dotnet build` of the solution, same configuration as the tests.</summary>
    public static string OperatorDll => Built(Path.Combine("src", "Operator"), "BackupOperator");

    /// <summary>
    /// The operator the suite runs against when BACKUP_OPERATOR_BINARY names one: an executable started as is
    /// (hack/test.sh sets it to the NativeAOT build); otherwise null and the suite runs `dotnet <see cref="OperatorDll"/>`.
    /// </summary>
    public static string? OperatorBinary { get; } = Environment.GetEnvironmentVariable("BACKUP_OPERATOR_BINARY") is { Length: > 0 } binary
        ? File.Exists(binary) ? Path.GetFullPath(binary) : throw new FileNotFoundException($"BACKUP_OPERATOR_BINARY={binary} does not exist")
        : null;

    /// <summary>An assembly of the solution as `dotnet build` left it in <paramref name="projectDirectory"/>.</summary>
    public static string Built(string projectDirectory, string assembly)
    {
        var dll = Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the solution first: {dll} is missing");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BackupOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BackupOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
