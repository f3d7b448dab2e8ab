namespace AutoResearch.Ledger;

/// <summary>The ledger's settings are missing or invalid; the message says what to fix.</summary>
public sealed class LedgerConfigurationException : Exception
{
    public LedgerConfigurationException(string message)
        : base(message)
    {
    }

    public LedgerConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
