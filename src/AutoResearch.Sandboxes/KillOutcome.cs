namespace AutoResearch.Sandboxes;

/// <summary>What a SIGKILL sent to a sandbox container did.</summary>
internal enum KillOutcome
{
    /// <summary>The daemon delivered the signal to the running container.</summary>
    Killed,

    /// <summary>The container was not running any more (HTTP 409): it had exited on its own.</summary>
    NotRunning,

    /// <summary>The container is gone or the daemon did not answer in time.</summary>
    Unknown,
}
