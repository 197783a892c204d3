using System.Diagnostics;

namespace BackupOperator.E2E.Infrastructure;

/// <summary>
/// The kubectl plugin as a user gets it: published once per test run by the README's command
/// (`dotnet publish src/KubectlPlugin -c Release -o DIR`), then run as a real process, through
/// kubectl too (DIR on PATH, so `kubectl ocp ...` finds kubectl-ocp). KUBECTL_OCP names an
/// already published file instead.
/// </summary>
internal static class KubectlOcp
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _published;

    /// <summary>What one run printed and how it ended.</summary>
    public sealed record Run(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1}s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<string> PublishedAsync(CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (_published is not null)
            {
                return _published;
            }

            if (Environment.GetEnvironmentVariable("KUBECTL_OCP") is { Length: > 0 } given)
            {
                return _published = given;
            }

            var dir = Directory.CreateTempSubdirectory("kubectl-ocp-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
            var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(RepoPaths.Root, "src", "KubectlPlugin"), "-c", "Release", "-o", dir, "-nologo"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepoPaths.Root,
            };

            // A publish of its own, as a user runs it: no MSBuild settings inherited from `dotnet test`, no build servers left behind.
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(key);
            }

            info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            info.Environment["UseSharedCompilation"] = "false";
            using var process = Process.Start(info)!;
            var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(ct), process.StandardError.ReadToEndAsync(ct));
            await process.WaitForExitAsync(ct);
            var text = string.Join('\n', await output);
            var file = Path.Combine(dir, "kubectl-ocp");
            if (process.ExitCode != 0 || !File.Exists(file))
            {
                throw new InvalidOperationException($"dotnet publish src/KubectlPlugin failed ({process.ExitCode}):\n{OperatorProcess.Tail(text)}");
            }

            return _published = file;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs `kubectl-ocp ARGS`, or `kubectl ocp ARGS` when <paramref name="viaKubectl"/>; KUBECONFIG and HOME only as given.</summary>
    public static async Task<Run> RunAsync(IEnumerable<string> args, CancellationToken ct, IDictionary<string, string>? environment = null,
        bool viaKubectl = false, string? stdin = null, TimeSpan? limit = null)
    {
        var plugin = await PublishedAsync(ct);
        var info = viaKubectl ? new ProcessStartInfo("kubectl", ["ocp", .. args]) : new ProcessStartInfo(plugin, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.Environment.Remove("KUBECONFIG");
        info.Environment["HOME"] = E2ERun.LogDirectory; // no ~/.kube/config of the machine's user
        info.Environment["PATH"] = $"{Path.GetDirectoryName(plugin)}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(limit ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`kubectl-ocp {string.Join(' ', args)}` still running after {limit ?? TimeSpan.FromMinutes(2)}");
        }

        return new Run(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
