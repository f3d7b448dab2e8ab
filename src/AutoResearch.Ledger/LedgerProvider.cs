namespace AutoResearch.Ledger;

/// <summary>The database engine behind the ledger.</summary>
public enum LedgerProvider
{
    /// <summary>A single SQLite file (WAL mode); the default for one machine.</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL server (Npgsql).</summary>
    Postgres = 1,
}
