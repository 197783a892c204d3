using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BackupOperator.KubectlPlugin.Backups;

namespace BackupOperator.Tests.Packaging;

/// <summary>
/// hack/package-plugin.sh packs a stand-in binary as it packs the real one: the rendered krew manifest must name files
/// the archive holds, a bin that is one of them and executable, and the archive's own sha256, or `kubectl krew install` fails.
/// </summary>
public sealed class KrewManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("krew-test-").FullName;

    [Fact]
    public async Task The_rendered_manifest_matches_the_archives_layout_and_sha256()
    {
        var fake = Path.Combine(_dir, "stand-in");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho stand-in\n");
        var outDir = Path.Combine(_dir, "out");
        var run = new ProcessStartInfo("bash", [RepoRoot.Path("hack", "package-plugin.sh"), outDir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        run.Environment["KUBECTL_OCP_BINARY"] = fake;
        run.Environment["VERSION"] = "v9.8.7";
        run.Environment["BASE_URL"] = "https://example.test/r";
        using (var process = Process.Start(run)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
        }

        var archive = Path.Combine(outDir, "kubectl-ocp_linux_amd64.tar.gz");
        var entries = new Dictionary<string, (UnixFileMode Mode, byte[] Data)>(StringComparer.Ordinal);
        await using (var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                using var data = new MemoryStream();
                if (entry.DataStream is not null)
                {
                    await entry.DataStream.CopyToAsync(data);
                }

                entries[entry.Name.TrimStart('.', '/')] = (entry.Mode, data.ToArray());
            }
        }

        var manifest = Assert.Single(YamlJson.Documents(await File.ReadAllTextAsync(Path.Combine(outDir, "ocp.yaml"))))!;
        Assert.Equal(("krew.googlecontainertools.github.com/v1alpha2", "Plugin", "ocp", "v9.8.7"),
            ((string?)manifest["apiVersion"], (string?)manifest["kind"], (string?)manifest["metadata"]!["name"], (string?)manifest["spec"]!["version"]));
        var platform = Assert.Single(manifest["spec"]!["platforms"]!.AsArray())!;
        Assert.Equal(("linux", "amd64"), ((string?)platform["selector"]!["matchLabels"]!["os"], (string?)platform["selector"]!["matchLabels"]!["arch"]));
        Assert.Equal("https://example.test/r/kubectl-ocp_linux_amd64.tar.gz", (string?)platform["uri"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(archive))), (string?)platform["sha256"]);

        var installed = new List<string>();
        foreach (var file in platform["files"]!.AsArray())
        {
            var from = (string)file!["from"]!;
            var matched = entries.Keys.Where(k => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(from, k)).ToList();
            Assert.True(matched.Count > 0, $"files: from '{from}' matches nothing in the archive ({string.Join(", ", entries.Keys)})");
            Assert.Equal(".", (string?)file["to"]);
            installed.AddRange(matched);
        }

        var bin = (string)platform["bin"]!;
        Assert.Equal("kubectl-ocp", bin);
        Assert.Contains(bin, installed);
        Assert.Equal(await File.ReadAllBytesAsync(fake), entries[bin].Data);
        Assert.True(entries[bin].Mode.HasFlag(UnixFileMode.UserExecute), "kubectl-ocp is not executable in the archive");
        Assert.Contains("kubectl_complete-ocp", installed);
        Assert.True(entries["kubectl_complete-ocp"].Mode.HasFlag(UnixFileMode.UserExecute), "kubectl_complete-ocp is not executable in the archive");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
