using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupOperator.Operator.FaultInjection;

/// <summary>
/// Reads "after-intent-write=kill;after-post-sent@312=pause(500)": failpoint names from
/// <see cref="FailpointNames"/>, optionally <c>@clusterId</c> (the point acts only for that OCP
/// cluster), and actions <c>kill</c>, <c>pause(ms)</c> or <c>off</c>. A spec that
/// cannot be read stops the operator at start: a test that believes a point is armed must not run
/// against one that is not.
/// </summary>
public static partial class FailpointSpec
{
#if FAILPOINTS
    /// <summary>Exists only in builds with failpoints: a published operator does not read it.</summary>
    public const string EnvironmentVariable = "BACKUPOPERATOR_FAILPOINTS";
#endif

    /// <summary>The failpoints armed by the environment; none in a published build.</summary>
    public static IReadOnlyDictionary<string, FailpointAction> FromEnvironment()
    {
#if FAILPOINTS
        try
        {
            return Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{EnvironmentVariable}: {e.Message}", e);
        }
#else
        return new Dictionary<string, FailpointAction>();
#endif
    }

    public static IReadOnlyDictionary<string, FailpointAction> Parse(string? spec)
    {
        var armed = new Dictionary<string, FailpointAction>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in (spec ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"'{term}' is not name=action (e.g. {FailpointNames.AfterIntentWrite}=kill)");
            }

            var (name, clusterId) = ParseTarget(term[..eq].Trim());
            var action = term[(eq + 1)..].Trim();
            if (!FailpointNames.All.Contains(name, StringComparer.Ordinal))
            {
                throw new FormatException($"unknown failpoint '{name}'; known: {string.Join(", ", FailpointNames.All)}");
            }

            if (!seen.Add(name))
            {
                throw new FormatException($"failpoint '{name}' is set twice");
            }

            if (ParseAction(action) is { } parsed)
            {
                armed[name] = parsed with { ClusterId = clusterId };
            }
        }

        return armed;
    }

    private static (string Name, long? ClusterId) ParseTarget(string target)
    {
        var at = target.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return (target, null);
        }

        var cluster = target[(at + 1)..];
        return long.TryParse(cluster, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (target[..at], id)
            : throw new FormatException($"'{cluster}' in '{target}' is not an OCP cluster id");
    }

    private static FailpointAction? ParseAction(string action)
    {
        if (action == "kill")
        {
            return FailpointAction.Kill;
        }

        if (action == "off")
        {
            return null;
        }

        var pause = PauseSyntax().Match(action);
        if (pause.Success && int.TryParse(pause.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return new FailpointAction(FailpointActionKind.Pause, TimeSpan.FromMilliseconds(ms));
        }

        throw new FormatException($"unknown action '{action}'; known: kill, pause(ms), off");
    }

    [GeneratedRegex(@"^pause\((\d{1,9})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex PauseSyntax();
}
