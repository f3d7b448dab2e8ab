namespace AutoResearch.Reports;

/// <summary>Where reports are written and how big their charts are.</summary>
public sealed class ReportOptions
{
    /// <summary>Root folder; each campaign's report goes to <c>&lt;OutputDirectory&gt;/&lt;campaign id&gt;/</c>.</summary>
    public string OutputDirectory { get; set; } = "reports";

    /// <summary>Chart width in pixels.</summary>
    public int ChartWidth { get; set; } = 1000;

    /// <summary>Chart height in pixels.</summary>
    public int ChartHeight { get; set; } = 520;
}
