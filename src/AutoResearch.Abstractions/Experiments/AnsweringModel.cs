using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// Which endpoint and model answered a model agent's latest proposal call, and the failover that led there, read from the ledger's
/// metered calls: one fact for the status read from the ledger and the report (the live agent grain shows the same from its proposals).
/// </summary>
public static class AnsweringModel
{
    /// <summary>
    /// The endpoint and model that answered the agent's latest proposal call ("endpoint (model)") and, when that is not the agent's
    /// first endpoint, the failover ("first: why; second answers"); nulls without answered calls.
    /// </summary>
    public static (string? Model, string? Failover) Of(AgentSpec agent, IEnumerable<ModelCallRecord>? calls)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (calls is null || agent.Endpoints.Count == 0) return (null, null);
        var mine = calls.Where(c => c.AgentId == agent.Id && ModelCallCodes.IsProposal(c.PurposeKind)).OrderBy(c => c.At).ToList();
        if (mine.LastOrDefault(c => c.OutcomeKind == ModelCallOutcome.Ok) is not { } answered) return (null, null);
        var model = $"{answered.Provider} ({answered.Model})";
        var before = agent.Endpoints.TakeWhile(e => e != answered.Provider).ToList();
        if (before.Count == 0 || before.Count == agent.Endpoints.Count) return (model, null);
        var why = before.Select(e => mine.LastOrDefault(c => c.Provider == e && c.OutcomeKind != ModelCallOutcome.Ok) is { } failed
            ? $"{e}: {failed.Error ?? failed.Outcome}"
            : $"{e}: not answering");
        return (model, $"{string.Join("; ", why)}; {answered.Provider} answers");
    }
}
