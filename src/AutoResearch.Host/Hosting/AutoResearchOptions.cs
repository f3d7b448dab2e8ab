using System.Security.Cryptography;
using System.Text;

namespace AutoResearch.Host.Hosting;

/// <summary>Where this installation keeps its data, and how the silo clusters.</summary>
public sealed class AutoResearchOptions
{
    public const string Section = "AutoResearch";

    /// <summary>Environment variable that sets the default of <see cref="DataDirectory"/>.</summary>
    public const string DataDirectoryVariable = "AUTORESEARCH_DATA";

    /// <summary>Folder for the SQLite file, reports, artifacts and logs. Default: <c>$AUTORESEARCH_DATA</c> or <c>./.autoresearch</c>.</summary>
    public string DataDirectory { get; set; } = Environment.GetEnvironmentVariable(DataDirectoryVariable) is { Length: > 0 } fromEnv
        ? fromEnv
        : Path.Combine(Environment.CurrentDirectory, ".autoresearch");

    /// <summary><c>Localhost</c> (embedded single silo, SQLite grain state) or <c>Postgres</c> (a cluster: membership, grain state
    /// and reminders in PostgreSQL; <c>AdoNet</c> is its earlier name).</summary>
    public string Clustering { get; set; } = ClusteringModes.Localhost;

    /// <summary>PostgreSQL connection string of the cluster's database (<c>Postgres</c> clustering); the silos create their tables.</summary>
    public string? ClusterConnectionString { get; set; }

    /// <summary>Orleans cluster id: silos with the same id (and database) form one cluster. Default <c>autoresearch</c>.</summary>
    public string ClusterId { get; set; } = "autoresearch";

    /// <summary>Orleans service id: grain state and reminders belong to it and outlive redeployments under a new cluster id. Default <c>autoresearch</c>.</summary>
    public string ServiceId { get; set; } = "autoresearch";

    /// <summary>Silo-to-silo port (<c>Postgres</c> clustering; the embedded silo takes any free port). Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (<c>Postgres</c> clustering; the embedded silo takes any free port). Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos reach this one at (IP address or host name); default: this machine's host name. The silo listens on every interface.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Ledger connection string; default: a SQLite file in the data directory.</summary>
    public string? LedgerConnectionString { get; set; }

    /// <summary>Before each sandbox run, the campaign pauses when the data directory's (or Docker's root's) file system has less free; 0 disables. Default 2 GiB.</summary>
    public long MinFreeDiskBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>True when the silo joins a cluster on PostgreSQL rather than running embedded.</summary>
    public bool IsCluster => ClusteringModes.IsPostgres(Clustering);

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
        if (!string.Equals(Clustering, ClusteringModes.Localhost, StringComparison.OrdinalIgnoreCase) && !ClusteringModes.IsPostgres(Clustering))
            problems.Add($"{Section}:Clustering must be '{ClusteringModes.Localhost}' or '{ClusteringModes.Postgres}', not '{Clustering}'");
        if (string.IsNullOrWhiteSpace(ClusterId))
            problems.Add($"{Section}:ClusterId must not be empty");
        if (string.IsNullOrWhiteSpace(ServiceId))
            problems.Add($"{Section}:ServiceId must not be empty");
        if (IsCluster)
        {
            if (string.IsNullOrWhiteSpace(ClusterConnectionString))
                problems.Add($"{Section}:ClusterConnectionString is required when {Section}:Clustering is '{ClusteringModes.Postgres}'");
            if (SiloPort is < 1 or > 65535)
                problems.Add($"{Section}:SiloPort must be a TCP port (1-65535), not {SiloPort}");
            if (GatewayPort is < 1 or > 65535)
                problems.Add($"{Section}:GatewayPort must be a TCP port (1-65535), not {GatewayPort}");
            if (SiloPort == GatewayPort)
                problems.Add($"{Section}:SiloPort and {Section}:GatewayPort must differ (both are {SiloPort})");
            if (AdvertisedAddress is { } address && (string.IsNullOrWhiteSpace(address) || Uri.CheckHostName(address.Trim()) == UriHostNameType.Unknown))
                problems.Add($"{Section}:AdvertisedAddress must be an IP address or a host name, not '{address}'");
        }
        return problems;
    }
}
