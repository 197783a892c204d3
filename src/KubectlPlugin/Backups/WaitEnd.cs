namespace BackupOperator.KubectlPlugin.Backups;

/// <summary>How a wait for a backup ended.</summary>
public enum WaitEnd
{
    /// <summary>The backup reached Succeeded or Failed.</summary>
    Finished,

    /// <summary>The timeout passed first.</summary>
    TimedOut,

    /// <summary>The backup does not exist (or never appeared).</summary>
    NotFound,

    /// <summary>The backup was deleted before it finished.</summary>
    Deleted,
}
