namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_lab_quotas</c>: a lab's quota of tokens, GPU- and CPU-seconds (0: no limit), set by an admin (migration <c>LabQuotas</c>).</summary>
public sealed class LabQuotaRow
{
    public string Lab { get; set; } = "";
    public long Tokens { get; set; }
    public double GpuSeconds { get; set; }
    public double CpuSeconds { get; set; }
    public string SetBy { get; set; } = "";
    public DateTimeOffset? SetAt { get; set; }
}
