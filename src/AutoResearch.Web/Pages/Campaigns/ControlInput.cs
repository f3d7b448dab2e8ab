namespace AutoResearch.Web.Pages.Campaigns;

/// <summary>The live view's control form: an action for the campaign or one agent; budgets in hours as people write them.</summary>
public sealed class ControlInput
{
    public string? Action { get; set; }
    public string? Agent { get; set; }
    public string? Reason { get; set; }
    public long? Tokens { get; set; }
    public double? CpuHours { get; set; }
    public double? GpuHours { get; set; }

    /// <summary><c>add</c>: the amounts are added to the limits in force; otherwise they are the new limits.</summary>
    public string? Mode { get; set; }
}
