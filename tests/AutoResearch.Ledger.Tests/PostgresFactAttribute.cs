namespace AutoResearch.Ledger.Tests;

/// <summary>A fact that runs only when <c>AUTORESEARCH_TEST_POSTGRES</c> holds a PostgreSQL connection string.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (LedgerTestDatabase.PostgresConnectionString is null)
        {
            Skip = $"{LedgerTestDatabase.PostgresVariable} is not set: the ledger suite ran against SQLite only.";
        }
    }
}
