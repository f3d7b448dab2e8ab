using System.Security.Cryptography;
using System.Text;

namespace AutoResearch.Host.Hosting;

/// <summary>Where this installation keeps its data, and how the silo clusters.</summary>
public sealed class AutoResearchOptions
{
    public const string Section = "AutoResearch";

    /// <summary>Folder for the SQLite file, reports, artifacts and logs. Default: <c>$AUTORESEARCH_DATA</c> or <c>./.autoresearch</c>.</summary>
    public string DataDirectory { get; set; } = Environment.GetEnvironmentVariable("AUTORESEARCH_DATA") is { Length: > 0 } fromEnv
        ? fromEnv
        : Path.Combine(Environment.CurrentDirectory, ".autoresearch");

    /// <summary><c>Localhost</c> (embedded single silo, SQLite grain state) or <c>AdoNet</c> (PostgreSQL clustering and grain state).</summary>
    public string Clustering { get; set; } = ClusteringModes.Localhost;

    /// <summary>ADO.NET connection string for <c>AdoNet</c> clustering (PostgreSQL with the Orleans schema applied).</summary>
    public string? ClusterConnectionString { get; set; }

    /// <summary>Ledger connection string; default: a SQLite file in the data directory.</summary>
    public string? LedgerConnectionString { get; set; }

    /// <summary>Before each sandbox run, the campaign pauses when the data directory's (or Docker's root's) file system has less free; 0 disables. Default 2 GiB.</summary>
    public long MinFreeDiskBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
    public string SqlitePath => Path.Combine(FullDataDirectory, "autoresearch.db");
    public string EffectiveLedgerConnectionString => LedgerConnectionString is { Length: > 0 } cs ? cs : $"Data Source={SqlitePath}";
    public string ReportsDirectory => Path.Combine(FullDataDirectory, "reports");
    public string ArtifactsDirectory => Path.Combine(FullDataDirectory, "artifacts");
    public string LogsDirectory => Path.Combine(FullDataDirectory, "logs");

    /// <summary>Stable id of this installation; labels its containers so the reaper never touches another installation's.</summary>
    public string Owner => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(FullDataDirectory)))[..16].ToLowerInvariant();

    /// <summary>Problems with the settings, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
            problems.Add($"{Section}:DataDirectory must not be empty");
        if (MinFreeDiskBytes < 0)
            problems.Add($"{Section}:MinFreeDiskBytes must be 0 (off) or a number of bytes, not {MinFreeDiskBytes}");
        if (Clustering != ClusteringModes.Localhost && Clustering != ClusteringModes.AdoNet)
            problems.Add($"{Section}:Clustering must be '{ClusteringModes.Localhost}' or '{ClusteringModes.AdoNet}', not '{Clustering}'");
        if (Clustering == ClusteringModes.AdoNet && string.IsNullOrWhiteSpace(ClusterConnectionString))
            problems.Add($"{Section}:ClusterConnectionString is required when {Section}:Clustering is '{ClusteringModes.AdoNet}'");
        return problems;
    }
}
