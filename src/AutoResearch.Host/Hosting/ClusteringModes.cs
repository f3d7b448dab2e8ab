namespace AutoResearch.Host.Hosting;

/// <summary>How the silo finds its cluster and keeps grain state.</summary>
public static class ClusteringModes
{
    /// <summary>Embedded default: one silo on localhost, grain state in the SQLite file.</summary>
    public const string Localhost = "Localhost";

    /// <summary>Production: ADO.NET clustering and grain storage on PostgreSQL (Npgsql).</summary>
    public const string AdoNet = "AdoNet";
}
