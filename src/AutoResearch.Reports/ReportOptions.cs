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

    /// <summary>Ask the campaign's model for next-night suggestions when one is configured (rule-based suggestions are always there).</summary>
    public bool ModelAdvice { get; set; } = true;

    /// <summary>Characters of the Markdown report sent to the model (the start: headline, suggestions, leaderboard, agents…).</summary>
    public int AdvicePromptCharacters { get; set; } = 16000;

    /// <summary>Longest answer asked for, in tokens.</summary>
    public int AdviceMaxOutputTokens { get; set; } = 800;

    /// <summary>Most tokens one report's advice may cost (prompt estimate + answer); a larger request is not sent.</summary>
    public long AdviceTokenAllowance { get; set; } = 8000;
}
