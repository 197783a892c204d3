using System.Diagnostics;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// The real kubectl binary, as a user runs it: hack/test.sh puts it on PATH (ensure_kubectl, Debian's
/// kubernetes-client). A command is a process of its own with the test's kubeconfig in KUBECONFIG.
/// </summary>
internal static class Kubectl
{
    public static string Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator).Select(d => System.IO.Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("kubectl is not on PATH: hack/test.sh installs it (ensure_kubectl), or `apt-get install kubernetes-client`");

    /// <summary>Runs kubectl with <paramref name="args"/>; the process is killed if <paramref name="ct"/> fires first.</summary>
    public static Task<Outcome> RunAsync(string kubeconfig, IEnumerable<string> args, CancellationToken ct) =>
        RunProcessAsync(Path, args, kubeconfig, null, ct);

    /// <summary>Runs a bash <paramref name="script"/> in <paramref name="directory"/>, with this kubectl first on its PATH.</summary>
    public static Task<Outcome> BashAsync(string kubeconfig, string script, string directory, CancellationToken ct) =>
        RunProcessAsync("bash", ["-euo", "pipefail", "-c", script], kubeconfig, directory, ct);

    private static async Task<Outcome> RunProcessAsync(string file, IEnumerable<string> args, string kubeconfig, string? directory, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["PATH"] = System.IO.Path.GetDirectoryName(Path) + System.IO.Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Outcome(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, TimeSpan Took)
    {
        public override string ToString() => $"exit {ExitCode} after {Took.TotalSeconds:0.0} s\nstdout: {Stdout}\nstderr: {Stderr}";
    }
}
