using System.Xml.Linq;

namespace BackupOperator.Tests.Packaging;

/// <summary>`docker build` cannot run here: the Dockerfile is checked against the project layout instead.</summary>
public sealed class DockerfileTests
{
    private const string OperatorProject = "src/Operator/BackupOperator.csproj";
    private static readonly IReadOnlyList<DockerStage> Stages = Dockerfile.Parse(File.ReadAllText(RepoRoot.Path("Dockerfile")));

    private static DockerStage Build => Stages[0];

    private static DockerStage Final => Stages[^1];

    [Fact]
    public void The_sdk_builds_and_the_final_stage_has_no_dotnet_runtime()
    {
        Assert.True(Stages.Count >= 2, "the Dockerfile must be multi-stage");
        var tag = XDocument.Load(RepoRoot.Path("Directory.Build.props")).Descendants("TargetFramework").Single().Value["net".Length..];
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{tag}", Build.Image);
        // NativeAOT: the binary needs the runtime's native dependencies only.
        Assert.Equal($"mcr.microsoft.com/dotnet/runtime-deps:{tag}", Final.Image);
        Assert.DoesNotContain(Final.All("RUN"), r => r.Arguments.Contains("dotnet", StringComparison.Ordinal));
        Assert.All(Final.All("COPY").Select(Dockerfile.Copy), c => Assert.Equal(Build.Name, c.From));
    }

    [Fact]
    public void Every_copy_source_exists_and_every_from_names_an_earlier_stage()
    {
        for (var i = 0; i < Stages.Count; i++)
        {
            foreach (var copy in Stages[i].All("COPY").Select(Dockerfile.Copy))
            {
                if (copy.From is { } from)
                {
                    Assert.Contains(from, Stages.Take(i).Select(s => s.Name));
                    continue;
                }

                Assert.All(copy.Sources, s => Assert.True(File.Exists(RepoRoot.Path(s)) || Directory.Exists(RepoRoot.Path(s)), $"COPY source '{s}' is not in the repository"));
            }
        }
    }

    [Fact]
    public void The_publish_command_builds_the_operator_project_in_release_into_what_the_final_stage_copies()
    {
        var publish = Dockerfile.Words(Build.All("RUN").Single(r => r.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)).Arguments);
        var project = Assert.Single(publish, w => w.EndsWith(".csproj", StringComparison.Ordinal));
        Assert.Equal(OperatorProject, project);
        Assert.True(File.Exists(RepoRoot.Path(project)), $"{project} does not exist");
        Assert.Equal("Release", publish[Array.IndexOf(publish, "-c") + 1]);
        Assert.Equal("linux-x64", publish[Array.IndexOf(publish, "-r") + 1]);
        Assert.Equal("true", XDocument.Load(RepoRoot.Path(project)).Descendants("PublishAot").Single().Value);
        var output = publish[Array.IndexOf(publish, "-o") + 1];
        Assert.Contains(Final.All("COPY").Select(Dockerfile.Copy), c => c.Sources.SequenceEqual([output]));
        if (publish.Contains("--no-restore"))
        {
            Assert.Contains(Build.All("RUN"), r => r.Arguments == $"dotnet restore {project} -r linux-x64");
        }
    }

    [Fact]
    public void The_final_stage_runs_as_a_numeric_non_root_user()
    {
        // runAsNonRoot in config/manager can only verify a numeric UID.
        var user = Assert.Single(Final.All("USER")).Arguments;
        Assert.All(user.Split(':'), id => Assert.True(int.TryParse(id, out var n) && n > 0, $"USER '{user}' must be numeric and not root"));
    }

    [Fact]
    public void The_entrypoint_runs_the_native_binary_the_operator_project_produces()
    {
        var assembly = XDocument.Load(RepoRoot.Path(OperatorProject)).Descendants("AssemblyName").SingleOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(OperatorProject);
        Assert.Equal([$"/app/{assembly}"], Dockerfile.Arguments(Assert.Single(Final.All("ENTRYPOINT"))));
        Assert.Equal("/app", Assert.Single(Final.All("WORKDIR")).Arguments);
    }

    [Fact]
    public void The_build_stage_installs_what_NativeAOT_links_with_before_publishing()
    {
        var runs = Build.All("RUN").Select(r => r.Arguments).ToList();
        var install = runs.FindIndex(r => r.Contains("apt-get install", StringComparison.Ordinal));
        Assert.True(install >= 0, "the build stage must install clang and zlib1g-dev");
        Assert.Contains("clang", Dockerfile.Words(runs[install]));
        Assert.Contains("zlib1g-dev", Dockerfile.Words(runs[install]));
        Assert.True(install < runs.FindIndex(r => r.StartsWith("dotnet publish", StringComparison.Ordinal)));
    }
}
