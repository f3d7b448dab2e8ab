namespace AutoResearch.Host.Hosting;

/// <summary>How the silo finds its cluster and keeps grain state.</summary>
public static class ClusteringModes
{
    /// <summary>Embedded default: one silo on localhost, grain state in the SQLite file.</summary>
    public const string Localhost = "Localhost";

    /// <summary>
    /// A cluster: membership, grain state and reminders in PostgreSQL (our own providers, tables created on start-up);
    /// silos listen on the configured ports.
    /// </summary>
    public const string Postgres = "Postgres";

    /// <summary>The earlier name of <see cref="Postgres"/>, still accepted.</summary>
    public const string AdoNet = "AdoNet";

    /// <summary>True for <see cref="Postgres"/> and its earlier name <see cref="AdoNet"/>.</summary>
    public static bool IsPostgres(string? mode) =>
        string.Equals(mode, Postgres, StringComparison.OrdinalIgnoreCase) || string.Equals(mode, AdoNet, StringComparison.OrdinalIgnoreCase);
}
