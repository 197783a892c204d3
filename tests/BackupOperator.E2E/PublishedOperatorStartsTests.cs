using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using BackupOperator.E2E.Infrastructure;
using BackupOperator.Entities;
using BackupOperator.Tests.Packaging;

namespace BackupOperator.E2E;

/// <summary>
/// `docker build` cannot run here, so the Dockerfile's build stage is replayed: its COPYs from the
/// repository into a temporary root, its RUN commands as written (the container's absolute paths
/// moved under that root; the apt-get install of NativeAOT's toolchain is checked as installed here
/// instead); then the final stage's ENTRYPOINT, the native binary, starts against the real API server.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PublishedOperatorStartsTests(E2EEnvironment env)
{
    [Fact]
    public async Task The_app_published_by_the_Dockerfiles_commands_starts_and_is_ready()
    {
        var ct = TestTimeout.Token(10);
        var stages = Dockerfile.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile")));
        var root = Directory.CreateTempSubdirectory("backup-operator-image-").FullName; // the build stage's "/"
        try
        {
            await ReplayAsync(stages[0], root, ct);
            var final = stages[^1];
            var copy = Dockerfile.Copy(final.All("COPY").Single(c => Dockerfile.Copy(c).From == stages[0].Name));
            var entrypoint = Assert.Single(Dockerfile.Arguments(final.All("ENTRYPOINT").Single()));
            var binary = Path.Combine(Rooted(root, root, copy.Sources.Single()), Path.GetFileName(entrypoint));
            Assert.True(File.Exists(binary), $"the publish output has no {entrypoint}");
            Assert.Equal([Path.GetFileName(binary), "appsettings.json"], Directory.GetFiles(Path.GetDirectoryName(binary)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            var settings = OperatorProcess.TestSettings(env.OperatorKubeconfig, "e2e-published");
            foreach (var (key, value) in Dockerfile.Env(final))
            {
                settings[key] = value; // Http__Url is then replaced by a free local port
            }

            // A published build has no failpoints: the variable that arms them in a test build changes nothing.
            settings[KillMatrixTests.FailpointsVariable] = "after-intent-write=kill;after-post-sent=kill;after-answer-before-status-write=kill;after-status-write-running=kill";
            AssertNoFailpoints(binary);

            using var op = await OperatorProcess.StartAsync(Path.Combine(E2ERun.LogDirectory, "operator-published.log"), settings, ct, dll: binary);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(op.BaseUri, "/readyz"), ct)).StatusCode);

            env.Operator.Kill(); // the published operator leads once the killed leader's lease runs out
            await env.CreateBackupAsync(Backups.Nfs("published-1", 315), ct);
            var done = await env.WaitForPhaseAsync("published-1", [BackupPhase.Succeeded, BackupPhase.Failed], TimeSpan.FromSeconds(90), ct);
            Assert.Equal(BackupPhase.Succeeded, done.Status!.Phase);
            Assert.False(op.HasExited, "the published operator died with failpoints 'armed':\n" + OperatorProcess.Tail(op.Log));
            Assert.DoesNotContain("Failpoint", op.Log, StringComparison.Ordinal);
            Assert.Equal(1, await env.Simulator.PostsAsync(315, ct));
            Assert.True(op.Terminate(TimeSpan.FromSeconds(20)), $"the published operator (pid {op.Pid}) did not stop on SIGTERM:\n{OperatorProcess.Tail(op.Log)}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            if (env.Operator.HasExited)
            {
                await env.RestartOperatorAsync(CancellationToken.None);
            }
        }
    }

    // The name of the arming variable is in the test build's operator (the check would see it) and not in the published one
    // (NativeAOT keeps string literals as UTF-16 too).
    private static void AssertNoFailpoints(string published)
    {
        var name = System.Text.Encoding.Unicode.GetBytes(KillMatrixTests.FailpointsVariable);
        Assert.True(File.ReadAllBytes(RepoPaths.OperatorDll).AsSpan().IndexOf(name) >= 0, $"{RepoPaths.OperatorDll} was built without failpoints");
        Assert.True(File.ReadAllBytes(published).AsSpan().IndexOf(name) < 0, $"the published {published} still reads {KillMatrixTests.FailpointsVariable}");
    }

    private static async Task ReplayAsync(DockerStage build, string root, CancellationToken ct)
    {
        var workdir = root;
        foreach (var instruction in build.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    workdir = Directory.CreateDirectory(Rooted(root, workdir, instruction.Arguments)).FullName;
                    break;
                case "COPY":
                    var copy = Dockerfile.Copy(instruction);
                    Assert.Null(copy.From);
                    var destination = Rooted(root, workdir, copy.Destination);
                    var intoDirectory = copy.Destination.EndsWith('/') || copy.Sources.Count > 1;
                    foreach (var source in copy.Sources)
                    {
                        CopyFromContext(source.TrimEnd('/'), intoDirectory && !Directory.Exists(Path.Combine(RepoPaths.Root, source))
                            ? Path.Combine(destination, Path.GetFileName(source)) : destination);
                    }

                    break;
                case "RUN" when instruction.Arguments.Contains("apt-get install", StringComparison.Ordinal):
                    // The image's OS packages: hack/test.sh installed them on this machine (ensure_aot_toolchain).
                    foreach (var package in Dockerfile.Words(instruction.Arguments).SkipWhile(w => w != "install").Skip(1).TakeWhile(w => w != "&&").Where(w => !w.StartsWith('-')))
                    {
                        await RunAsync($"dpkg -s {package} >/dev/null", workdir, ct);
                    }

                    break;
                case "RUN":
                    var command = string.Join(' ', Dockerfile.Words(instruction.Arguments).Select(w => w.StartsWith('/') ? Rooted(root, workdir, w) : w));
                    await RunAsync(command, workdir, ct);
                    break;
                default:
                    throw new NotSupportedException($"replaying {instruction.Keyword} is not implemented: extend {nameof(PublishedOperatorStartsTests)}");
            }
        }
    }

    private static string Rooted(string root, string workdir, string path) =>
        path.StartsWith('/') ? Path.Combine(root, path.TrimStart('/')) : Path.Combine(workdir, path);

    // A directory's contents go into the destination, as `COPY src/ src/` does; .dockerignore is honoured.
    private static void CopyFromContext(string source, string destination)
    {
        var ignore = IgnorePatterns();
        var from = Path.Combine(RepoPaths.Root, source);
        var files = Directory.Exists(from)
            ? Directory.GetFiles(from, "*", SearchOption.AllDirectories).Select(f => (f, Path.Combine(destination, Path.GetRelativePath(from, f))))
            : [(from, destination)];
        foreach (var (file, target) in files.Where(p => !ignore.Any(r => r.IsMatch(Path.GetRelativePath(RepoPaths.Root, p.Item1)))))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static List<Regex> IgnorePatterns()
    {
        var file = Path.Combine(RepoPaths.Root, ".dockerignore");
        return !File.Exists(file) ? [] : File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => new Regex("^" + Regex.Escape(l.TrimStart('/')).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
                .Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "(/.*)?$"))
            .ToList();
    }

    private static async Task RunAsync(string command, string workdir, CancellationToken ct)
    {
        var info = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            WorkingDirectory = workdir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // As in a fresh container: no MSBuild settings inherited from `dotnet test`, and no build servers left behind.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(ct), process.StandardError.ReadToEndAsync(ct));
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = string.Join('\n', await output);
        Assert.True(process.ExitCode == 0, $"`{command}` failed ({process.ExitCode}):\n{OperatorProcess.Tail(text)}");
    }
}
