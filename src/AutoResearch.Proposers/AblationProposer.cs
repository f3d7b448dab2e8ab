using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Proposers;

/// <summary>
/// Ablation: takes the campaign's current best and reverts one of its changes (a parameter that differs from the baseline)
/// to the baseline value, to learn which changes carry the improvement. Each ablation is tried once per best; when the best
/// has no untried ablation left (or is the baseline itself) it falls back to random search so the agent's slot is not wasted.
/// </summary>
public sealed class AblationProposer : ProposerBase
{
    public const string StrategyName = "ablation";

    private readonly RandomSearchProposer _fallback = new();

    public AblationProposer()
        : base(StrategyName)
    {
    }

    internal override Proposal Propose(ProposalContext context)
    {
        if (context.Best is { } best)
        {
            var tried = context.History.Select(h => h.Parameters).Concat(context.Pending).ToList();
            var defaults = context.Benchmark.Defaults();
            foreach (var parameter in context.Benchmark.Parameters)
            {
                if (!best.Parameters.TryGetValue(parameter.Name, out var value) || defaults.Get(parameter.Name) is not { } baseline || SameValue(value, baseline)) continue;
                var candidate = best.Parameters.With(parameter.Name, baseline);
                if (tried.Any(t => SameAssignment(t, candidate))) continue;
                return new Proposal
                {
                    Parameters = candidate,
                    EditedFiles = new Dictionary<string, string>(best.EditedFiles, StringComparer.Ordinal),
                    Hypothesis = $"Ablation of the best (experiment #{best.Sequence}): revert {parameter.Name} {value} → {baseline} (baseline) " +
                                 $"and keep everything else; if the result holds, {parameter.Name} is not what made it better.",
                    ProposerName = Name,
                };
            }
        }
        var random = _fallback.Propose(context);
        return random with
        {
            ProposerName = Name,
            Hypothesis = (context.Best is null ? "No best to ablate yet. " : "Every change of the best has been ablated. ") + random.Hypothesis,
        };
    }

    private static bool SameAssignment(ParameterSet a, ParameterSet b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && SameValue(kv.Value, v));

    private static bool SameValue(ParameterValue a, ParameterValue b) =>
        a == b || (a.IsNumber && b.IsNumber && Math.Abs(a.AsNumber - b.AsNumber) <= 1e-12 * Math.Max(1, Math.Max(Math.Abs(a.AsNumber), Math.Abs(b.AsNumber))));
}
