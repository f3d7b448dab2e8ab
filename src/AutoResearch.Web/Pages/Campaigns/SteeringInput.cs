namespace AutoResearch.Web.Pages.Campaigns;

/// <summary>The live view's limits form: the deadline as people write it, the most experiments and the slots; empty fields stay.</summary>
public sealed class LimitsInput
{
    public string? Deadline { get; set; }
    public string? MaxExperiments { get; set; }
    public string? Slots { get; set; }
    public string? Reason { get; set; }

    /// <summary>The browser's IANA time zone (set by the page's script), for times of day in the deadline.</summary>
    public string? TimeZone { get; set; }
}

/// <summary>The live view's "try this configuration next" form: name=value pairs (lines or commas) for an agent or any.</summary>
public sealed class TryInput
{
    public string? Agent { get; set; }
    public string? Parameters { get; set; }
    public string? Reason { get; set; }
}
