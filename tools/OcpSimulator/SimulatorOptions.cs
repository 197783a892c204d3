namespace BackupOperator.OcpSimulator;

/// <summary>Section "Simulator" (command line --Simulator:Key=value or env Simulator__Key).</summary>
public sealed class SimulatorOptions
{
    /// <summary>Basic-auth users, "user:password" comma-separated.</summary>
    public string Users { get; set; } = "admin:admin-pass";

    /// <summary>AK/SK pairs, "id:secret" comma-separated.</summary>
    public string AccessKeys { get; set; } = "AK-TEST:SK-TEST-SECRET";

    /// <summary>How long a backup task runs; 0 = done on the first read.</summary>
    public int TaskDurationMs { get; set; } = 3000;

    /// <summary>How long every API answer is held back, as if OCP were a network away; 0 = at once.</summary>
    public int ResponseDelayMs { get; set; }

    /// <summary>List tasks in ascending id order whatever <c>sort</c> asks for (a server without sort support).</summary>
    public bool IgnoreSort { get; set; }

    /// <summary>
    /// Around every backupNow POST, OCP's other users act on the same cluster: just before it, a
    /// console backup (MANUAL, creator "console-admin") and a "Stop backup" task by the POSTing user;
    /// just after it, a SCHEDULED backup of the POSTing user's schedule. Each is finished at once (SUCCESSFUL), so none makes the
    /// cluster busy; none counts as a backup started by a POST.
    /// </summary>
    public bool ForeignTasks { get; set; }

    /// <summary>
    /// Task ids handed out from blocks of this many, not in order within a block (as an
    /// auto-increment over several servers can): ids may go backwards by up to this much. 0 or 1 = one counter.
    /// </summary>
    public int TaskIdBlock { get; set; }

    /// <summary>With <see cref="TaskIdBlock"/>: each block is shuffled with this seed; none or 0 = each block handed out highest first.</summary>
    public int? TaskIdSeed { get; set; }

    /// <summary>The task list in an arbitrary (stable) order, whatever <c>sort</c> asks for.</summary>
    public bool ShufflePages { get; set; }

    /// <summary>Task-list pages without <c>totalElements</c> and <c>totalPages</c>.</summary>
    public bool OmitPageCounts { get; set; }

    /// <summary>
    /// How the API writes a task's <c>status</c> (the admin API always uses the canonical upper case):
    /// "upper" (default), "lower", "title" (Running), "varying" (a different case on each answer), or
    /// "integer", the type OCP's docs give, as <see cref="StatusForms.Codes"/> numbers it.
    /// </summary>
    public string StatusForm { get; set; } = "upper";

    /// <summary>A client that gives up does not cut a delay fault short: the task is created after the full delay.</summary>
    public bool DelayOutlivesDisconnect { get; set; }

    /// <summary>A task's duration is the one configured when it was created; off = every task follows the current one.</summary>
    public bool FixDurationAtCreation { get; set; }

    /// <summary>Clusters that exist, as ranges and ids ("1-1000,5000"); others are 404.</summary>
    public string KnownClusterIds { get; set; } = "1-100000";

    public int MaxDateSkewMinutes { get; set; } = 15;

    /// <summary>How a busy cluster is refused: "http" (409 envelope) or "object" (beSuccessful=false).</summary>
    public string BusyMode { get; set; } = "http";

    /// <summary>Write the bound base URL here after start.</summary>
    public string? PortFile { get; set; }

    /// <summary>PEM certificate and key for https.</summary>
    public string? CertificatePath { get; set; }

    public string? KeyPath { get; set; }

    public bool IsKnownCluster(long id) =>
        KnownClusterIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(part =>
        {
            var dash = part.IndexOf('-', 1);
            return dash < 0
                ? long.TryParse(part, out var single) && single == id
                : long.TryParse(part[..dash], out var lo) && long.TryParse(part[(dash + 1)..], out var hi) && id >= lo && id <= hi;
        });

    public static Dictionary<string, string> Pairs(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
}
