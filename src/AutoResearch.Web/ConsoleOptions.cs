namespace AutoResearch.Web;

/// <summary>Settings of the web console (section <c>Console</c>; environment variables <c>Console__AdminPassword</c> and so on).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>
    /// The admin password. When set, its hash replaces the stored one at start-up (the password itself is never stored or
    /// logged). When neither this nor a stored hash exists, the console makes one up and prints it once on stderr.
    /// </summary>
    public string? AdminPassword { get; set; }

    /// <summary>Folder of benchmarks offered by the new-campaign form; default: <c>sandboxes/benchmarks</c> found above the working directory.</summary>
    public string? BenchmarksDirectory { get; set; }

    /// <summary>Folder of agent role files; default: <c>agents</c> found above the working directory.</summary>
    public string? AgentsDirectory { get; set; }

    /// <summary>How long a sign-in lasts without use.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a control request (pause, resume, stop, budget) waits for the campaign's host to apply it.</summary>
    public TimeSpan ControlWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the live view's server-sent events look for changes.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sign-in attempts (password posts) one address may make per minute; more get 429.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Resume, at start-up, campaigns the console started that were still running when it stopped.</summary>
    public bool ResumeOnStart { get; set; } = true;

    /// <summary>Entries the audit log keeps per file (<c>audit.jsonl</c>); a full file becomes <c>audit.1.jsonl</c>, so at most twice this many are kept.</summary>
    public int AuditEntriesPerFile { get; set; } = 50_000;

    /// <summary>Days an API token lasts when its creator gives none (at most <see cref="MaxTokenDays"/>).</summary>
    public int TokenDays { get; set; } = 90;

    /// <summary>The longest an API token may last, in days.</summary>
    public const int MaxTokenDays = 3650;

    /// <summary>Problems with the settings, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (AdminPassword is { } password && password.Length is > 0 and < 8)
            problems.Add($"{Section}:AdminPassword must be at least 8 characters long");
        if (SessionLifetime < TimeSpan.FromMinutes(1))
            problems.Add($"{Section}:SessionLifetime must be at least 1 minute, not {SessionLifetime}");
        if (ControlWait < TimeSpan.Zero || ControlWait > TimeSpan.FromMinutes(5))
            problems.Add($"{Section}:ControlWait must be from 0 to 5 minutes, not {ControlWait}");
        if (LiveInterval < TimeSpan.FromMilliseconds(100) || LiveInterval > TimeSpan.FromMinutes(1))
            problems.Add($"{Section}:LiveInterval must be from 100 ms to 1 minute, not {LiveInterval}");
        if (SignInAttemptsPerMinute is < 1 or > 10_000)
            problems.Add($"{Section}:SignInAttemptsPerMinute must be from 1 to 10000, not {SignInAttemptsPerMinute}");
        if (AuditEntriesPerFile is < 10 or > 10_000_000)
            problems.Add($"{Section}:AuditEntriesPerFile must be from 10 to 10000000, not {AuditEntriesPerFile}");
        if (TokenDays is < 1 or > MaxTokenDays)
            problems.Add($"{Section}:TokenDays must be from 1 to {MaxTokenDays}, not {TokenDays}");
        if (BenchmarksDirectory is { Length: > 0 } b && !Directory.Exists(b))
            problems.Add($"{Section}:BenchmarksDirectory '{b}' does not exist");
        if (AgentsDirectory is { Length: > 0 } a && !Directory.Exists(a))
            problems.Add($"{Section}:AgentsDirectory '{a}' does not exist");
        return problems;
    }
}
