namespace AutoResearch.Abstractions.Reports;

/// <summary>Why a report was written.</summary>
[GenerateSerializer, Alias("AutoResearch.ReportTrigger")]
public enum ReportTrigger
{
    /// <summary>Asked for (CLI <c>report</c>, console).</summary>
    OnDemand = 0,

    /// <summary>At a time of the campaign's report schedule (the morning report), while it runs.</summary>
    Scheduled = 1,

    /// <summary>At the campaign's end.</summary>
    Final = 2,
}
