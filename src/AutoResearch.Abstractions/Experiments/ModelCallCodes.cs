namespace AutoResearch.Abstractions.Experiments;

/// <summary>How a metered model call ended (stored as its text code, <see cref="ModelCallCodes.Text(ModelCallOutcome)"/>).</summary>
[GenerateSerializer, Alias("AutoResearch.ModelCallOutcome")]
public enum ModelCallOutcome
{
    /// <summary>A code this build does not know (kept as text in the ledger).</summary>
    Other = 0,
    Ok = 1,

    /// <summary>A transient failure that was retried.</summary>
    Retry = 2,
    Failed = 3,

    /// <summary>Not sent: the token budget could not cover it.</summary>
    Refused = 4,
}

/// <summary>What a metered model call was for (stored as its text code, <see cref="ModelCallCodes.Text(ModelCallPurpose)"/>).</summary>
[GenerateSerializer, Alias("AutoResearch.ModelCallPurpose")]
public enum ModelCallPurpose
{
    /// <summary>A code this build does not know (kept as text in the ledger).</summary>
    Other = 0,
    Propose = 1,

    /// <summary>A second try after an answer that did not fit the schema.</summary>
    Repair = 2,
    Reflect = 3,

    /// <summary>The report's model-written advice (<see cref="ReportAdvice"/>).</summary>
    ReportAdvice = 4,
}

/// <summary>
/// The ledger's text codes of <see cref="ModelCallOutcome"/> and <see cref="ModelCallPurpose"/> (the values stored before they
/// were typed, so old ledgers read the same): written from the enums, read back into them once; no code decides on the text.
/// </summary>
public static class ModelCallCodes
{
    private static readonly Dictionary<string, ModelCallOutcome> Outcomes =
        Enum.GetValues<ModelCallOutcome>().Where(o => o != ModelCallOutcome.Other).ToDictionary(Text, o => o, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, ModelCallPurpose> Purposes =
        Enum.GetValues<ModelCallPurpose>().Where(p => p != ModelCallPurpose.Other).ToDictionary(Text, p => p, StringComparer.Ordinal);

    public static string Text(ModelCallOutcome outcome) => outcome switch
    {
        ModelCallOutcome.Ok => "ok",
        ModelCallOutcome.Retry => "retry",
        ModelCallOutcome.Failed => "failed",
        ModelCallOutcome.Refused => "refused",
        _ => "other",
    };

    public static string Text(ModelCallPurpose purpose) => purpose switch
    {
        ModelCallPurpose.Propose => "propose",
        ModelCallPurpose.Repair => "repair",
        ModelCallPurpose.Reflect => "reflect",
        ModelCallPurpose.ReportAdvice => "report-advice",
        _ => "other",
    };

    /// <summary>The outcome a stored code stands for; <see cref="ModelCallOutcome.Other"/> for one this build does not know.</summary>
    public static ModelCallOutcome Outcome(string? code) => code is not null && Outcomes.TryGetValue(code, out var o) ? o : ModelCallOutcome.Other;

    /// <summary>The purpose a stored code stands for; <see cref="ModelCallPurpose.Other"/> for one this build does not know.</summary>
    public static ModelCallPurpose Purpose(string? code) => code is not null && Purposes.TryGetValue(code, out var p) ? p : ModelCallPurpose.Other;

    /// <summary>A call made to propose an experiment (the proposal or its repair round).</summary>
    public static bool IsProposal(ModelCallPurpose purpose) => purpose is ModelCallPurpose.Propose or ModelCallPurpose.Repair;
}
