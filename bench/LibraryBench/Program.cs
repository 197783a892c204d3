using System.Diagnostics;
using System.Globalization;
using BackupOperator.Bench.LibraryBench;

// Library replacements, measured (bench/README.md, "Library replacements"):
//   LibraryBench                          everything: each exporter in a process of its own, then the token buckets
//   LibraryBench exporter ours|prometheus-net [scrapes]
//   LibraryBench tokens [tokens]
// Prints numbers only: nothing here passes or fails.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "exporter":
        ExporterBench.Run(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : ExporterBench.DefaultScrapes);
        break;
    case "tokens":
        await TokenBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : TokenBench.DefaultTokens);
        break;
    case null:
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        var ours = Child("exporter", "ours");
        var library = Child("exporter", "prometheus-net");
        ExporterBench.PrintComparison(ours, library);
        Console.WriteLine();
        Console.Write(Child("tokens"));
        break;
    default:
        Console.Error.WriteLine("usage: LibraryBench [exporter ours|prometheus-net [scrapes] | tokens [tokens]]");
        return 2;
}

return 0;

// Runs this program again with the given arguments, in a process of its own, and returns what it printed.
static string Child(params string[] args)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
    {
        start.ArgumentList.Add(typeof(ExporterBench).Assembly.Location);
    }

    foreach (var a in args)
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"LibraryBench {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}");
    }

    return output;
}
