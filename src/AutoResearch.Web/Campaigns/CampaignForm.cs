namespace AutoResearch.Web.Campaigns;

/// <summary>
/// A new campaign as the console's form (and <c>POST /api/campaigns</c>) gives it: what a lab sets in the evening. Budgets
/// are in hours and tokens as people think of them; the campaign file written from it holds seconds.
/// </summary>
public sealed class CampaignForm
{
    public string? Name { get; set; }
    public string? Goal { get; set; }

    /// <summary>A benchmark folder name of the catalog (e.g. <c>digits-mlp</c>).</summary>
    public string? Benchmark { get; set; }

    /// <summary>Stop early once the objective reaches this value (in the benchmark's direction).</summary>
    public double? Target { get; set; }

    /// <summary>When the campaign must end: <c>tomorrow 07:00</c>, <c>07:00</c>, <c>in 8h</c>, <c>2026-11-24 07:00</c>.</summary>
    public string? Deadline { get; set; }

    /// <summary>IANA time zone the deadline and report times are written in; default the server's.</summary>
    public string? TimeZone { get; set; }

    public int? MaxExperiments { get; set; }

    /// <summary>Sandbox slots it may use at once; 0 or empty: all the fleet has.</summary>
    public int? Slots { get; set; }

    /// <summary>Campaign-wide budgets over all agents (empty or 0: no limit).</summary>
    public long? Tokens { get; set; }
    public double? CpuHours { get; set; }
    public double? GpuHours { get; set; }

    /// <summary>Approve-before-run thresholds (<c>approval:</c>): runs with more GPUs, or a worst case over these GPU- or CPU-hours, wait for a person; empty: none.</summary>
    public int? ApprovalGpusOver { get; set; }
    public double? ApprovalGpuHoursOver { get; set; }
    public double? ApprovalCpuHoursOver { get; set; }

    /// <summary>Times of day for the morning report, comma-separated (<c>07:00</c>).</summary>
    public string? ReportAt { get; set; }

    public List<AgentRow> Agents { get; set; } = [];
}
