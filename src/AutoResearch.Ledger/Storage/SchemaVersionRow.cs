namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_schema_version</c>: one row per schema version applied.</summary>
public sealed class SchemaVersionRow
{
    public int Version { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}
