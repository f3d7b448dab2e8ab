using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// What each agent (and each model/endpoint) spent per unit of accepted improvement, rebuilt from the ledger: one projection for
/// status, the run summary, the console and the report.
/// <para>
/// <b>Accepted improvement.</b> The leaderboard is the baseline (entry 0) followed by every accepted new best. Entry <c>k ≥ 1</c>
/// improved on entry <c>k − 1</c> by <c>prev − cur</c> (minimize) or <c>cur − prev</c> (maximize), both means as accepted; that
/// gain is credited to the agent whose experiment became the new best (and to the model that proposed it). An agent's gains
/// add up, and all agents' gains add up to best − baseline. Gains are expressed in percent of the baseline mean
/// (<c>100 × gain / |baseline|</c>); when the baseline is 0 they stay in objective units.
/// </para>
/// <para>
/// <b>Cost.</b> An agent's cost is everything its finished experiments used (tokens, CPU-seconds, GPU-seconds), repeats and
/// held-out runs it ran included — what status charges it. A model's cost is the tokens of every call made to it and the
/// CPU/GPU-seconds of the experiments it proposed. <b>Cost per gain</b> is cost ÷ gain units (e.g. CPU-seconds per 1 % of the
/// baseline); an agent with no accepted gain has none (it shows "no gain yet" with its cost), never infinity.
/// </para>
/// </summary>
public static class CostPerGain
{

    /// <summary>The accepted gain of each leaderboard entry after the baseline, in objective units and in the metric's direction.</summary>
    public static IReadOnlyList<(LeaderboardEntry Entry, double Gain)> Gains(IReadOnlyList<LeaderboardEntry> leaderboard, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(leaderboard);
        var ordered = leaderboard.OrderBy(e => e.Index).ToList();
        var gains = new List<(LeaderboardEntry, double)>();
        for (var k = 1; k < ordered.Count; k++)
        {
            var delta = direction == Direction.Minimize ? ordered[k - 1].Objective - ordered[k].Objective : ordered[k].Objective - ordered[k - 1].Objective;
            gains.Add((ordered[k], double.IsFinite(delta) ? Math.Max(0, delta) : 0));
        }
        return gains;
    }

    /// <summary>The accepted gain (objective units) per agent id.</summary>
    public static IReadOnlyDictionary<string, double> GainsByAgent(IReadOnlyList<LeaderboardEntry> leaderboard, Direction direction)
    {
        var byAgent = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (entry, gain) in Gains(leaderboard, direction))
            byAgent[entry.AgentId] = byAgent.GetValueOrDefault(entry.AgentId) + gain;
        return byAgent;
    }

    /// <summary>The endpoint/model label (<c>endpoint (model)</c>, as proposals name it) that made each experiment's proposal.</summary>
    public static IReadOnlyDictionary<string, string> ProposingModels(IReadOnlyList<ModelCallRecord> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var byExperiment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in calls.Where(c => c.ExperimentId is not null && ModelCallCodes.IsProposal(c.PurposeKind)).GroupBy(c => c.ExperimentId!, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(c => c.At).ToList();
            var answered = ordered.LastOrDefault(c => c.OutcomeKind == ModelCallOutcome.Ok) ?? ordered[^1];
            byExperiment[group.Key] = Label(answered);
        }
        return byExperiment;
    }

    public static string Label(ModelCallRecord call) => $"{call.Provider} ({call.Model})";

    /// <param name="agents">The campaign's agent ids, in the order to show them (agents without experiments still get a row).</param>
    public static CostPerGainReport From(
        IReadOnlyList<string> agents,
        IReadOnlyList<ExperimentRecord> experiments,
        IReadOnlyList<LeaderboardEntry> leaderboard,
        IReadOnlyList<ModelCallRecord> modelCalls,
        Direction direction)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(leaderboard);
        ArgumentNullException.ThrowIfNull(modelCalls);
        var baseline = leaderboard.Where(e => e.Index == 0).Select(e => (double?)e.Objective).FirstOrDefault();
        var relative = baseline is { } b && double.IsFinite(b) && Math.Abs(b) > 1e-12;
        double Units(double gain) => relative ? 100 * gain / Math.Abs(baseline!.Value) : gain;
        var gains = Gains(leaderboard, direction);
        var finished = experiments.Where(e => e.IsFinished).ToList();

        var agentRows = agents.Concat(finished.Select(e => e.AgentId)).Distinct(StringComparer.Ordinal).Select(agent =>
        {
            var mine = finished.Where(e => e.AgentId == agent).ToList();
            var won = gains.Where(g => g.Entry.AgentId == agent).ToList();
            return new GainCost
            {
                Name = agent,
                Experiments = mine.Count(e => !e.IsHoldout),
                Accepted = won.Count,
                Gain = won.Sum(g => g.Gain),
                GainUnits = Units(won.Sum(g => g.Gain)),
                Tokens = mine.Sum(e => e.Tokens),
                CpuSeconds = mine.Sum(e => e.CpuSeconds),
                GpuSeconds = mine.Sum(e => e.GpuSeconds),
            };
        }).ToList();

        var proposing = ProposingModels(modelCalls);
        var proposals = finished.Where(e => e.Kind == ExperimentKind.Proposal && proposing.ContainsKey(e.Id)).ToList();
        var labels = modelCalls.Where(c => c.ExperimentId is not null).Select(Label).Concat(proposing.Values).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var modelRows = new List<GainCost>();
        var rejections = new List<ModelRejections>();
        foreach (var label in labels)
        {
            var made = proposals.Where(e => proposing[e.Id] == label).ToList();
            var ids = made.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            var won = gains.Where(g => ids.Contains(g.Entry.ExperimentId)).ToList();
            modelRows.Add(new GainCost
            {
                Name = label,
                Agents = modelCalls.Where(c => Label(c) == label).Select(c => c.AgentId).Concat(made.Select(e => e.AgentId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                Experiments = made.Count,
                Accepted = won.Count,
                Gain = won.Sum(g => g.Gain),
                GainUnits = Units(won.Sum(g => g.Gain)),
                Tokens = modelCalls.Where(c => c.ExperimentId is not null && Label(c) == label).Sum(c => c.TotalTokens),
                CpuSeconds = made.Sum(e => e.CpuSeconds),
                GpuSeconds = made.Sum(e => e.GpuSeconds),
            });
            rejections.Add(new ModelRejections
            {
                Model = label,
                Proposals = made.Count,
                Rejected = made.Count(e => e.Failure == FailureKind.Rejected),
            });
        }

        return new CostPerGainReport
        {
            Direction = direction,
            Baseline = baseline,
            Relative = relative,
            Agents = Normalise(agentRows),
            Models = Normalise(modelRows),
            Rejections = rejections,
        };
    }

    /// <summary>
    /// Each row's share of the rows' cost, over the resources any of them used (tokens, CPU-seconds, GPU-seconds, each
    /// weighted equally), falling back to its share of experiments when none used any: the common currency that lets
    /// "cheapest" compare an agent that spends tokens with one that spends CPU time.
    /// </summary>
    private static List<GainCost> Normalise(List<GainCost> rows)
    {
        var tokens = rows.Sum(r => (double)r.Tokens);
        var cpu = rows.Sum(r => r.CpuSeconds);
        var gpu = rows.Sum(r => r.GpuSeconds);
        var experiments = rows.Sum(r => (double)r.Experiments);
        return rows.Select(r =>
        {
            var shares = new List<double>();
            if (tokens > 0) shares.Add(r.Tokens / tokens);
            if (cpu > 0) shares.Add(r.CpuSeconds / cpu);
            if (gpu > 0) shares.Add(r.GpuSeconds / gpu);
            var share = shares.Count > 0 ? shares.Average() : experiments > 0 ? r.Experiments / experiments : 0;
            return r with { CostShare = share };
        }).ToList();
    }
}

/// <summary>Cost per gain of an agent or a model, with what it cost and what it won.</summary>
public sealed record GainCost
{
    /// <summary>The agent id, or the model label <c>endpoint (model)</c>.</summary>
    public required string Name { get; init; }

    /// <summary>For a model: the agents that called it.</summary>
    public IReadOnlyList<string> Agents { get; init; } = [];

    /// <summary>Finished experiments (held-out runs not counted); for a model, the proposals it made.</summary>
    public int Experiments { get; init; }

    /// <summary>New bests it made, and their summed improvement in objective units (metric's direction, ≥ 0).</summary>
    public int Accepted { get; init; }
    public double Gain { get; init; }

    /// <summary>The gain in percent of the baseline mean (objective units when the baseline is 0; see <see cref="CostPerGainReport.Relative"/>).</summary>
    public double GainUnits { get; init; }

    public long Tokens { get; init; }
    public double CpuSeconds { get; init; }
    public double GpuSeconds { get; init; }

    /// <summary>Share (0..1) of the group's cost, resources weighted equally (see <see cref="CostPerGain"/>).</summary>
    public double CostShare { get; init; }

    public bool HasGain => GainUnits > 0;

    /// <summary>Cost per gain unit; null without an accepted gain ("no gain yet").</summary>
    public double? TokensPerUnit => HasGain ? Tokens / GainUnits : null;
    public double? CpuSecondsPerUnit => HasGain ? CpuSeconds / GainUnits : null;
    public double? GpuSecondsPerUnit => HasGain ? GpuSeconds / GainUnits : null;

    /// <summary>Normalised cost share per gain unit: lower is cheaper; null without a gain.</summary>
    public double? CostSharePerUnit => HasGain ? CostShare / GainUnits : null;
}

/// <summary>Proposals an endpoint/model made and how many were rejected before running.</summary>
public sealed record ModelRejections
{
    public required string Model { get; init; }
    public int Proposals { get; init; }
    public int Rejected { get; init; }

    /// <summary>Rejected ÷ proposals (0 with no proposals).</summary>
    public double Rate => Proposals == 0 ? 0 : (double)Rejected / Proposals;
}

/// <summary>The campaign's cost per gain, per agent and per model, and the models' rejection rates.</summary>
public sealed record CostPerGainReport
{
    public Direction Direction { get; init; }
    public double? Baseline { get; init; }

    /// <summary>True when gains are in percent of the baseline mean; false (baseline 0 or missing) when in objective units.</summary>
    public bool Relative { get; init; }

    public IReadOnlyList<GainCost> Agents { get; init; } = [];
    public IReadOnlyList<GainCost> Models { get; init; } = [];
    public IReadOnlyList<ModelRejections> Rejections { get; init; } = [];

    /// <summary>The unit gains are counted in, in words: <c>1 % of the baseline</c> or <c>1 objective unit</c>.</summary>
    public string Unit => Relative ? "1 % of the baseline" : "1 objective unit";

    /// <summary>The row with a gain and the lowest normalised cost per gain unit; null when none has a gain.</summary>
    public static GainCost? Cheapest(IEnumerable<GainCost> rows) => rows.Where(r => r.HasGain).OrderBy(r => r.CostSharePerUnit).ThenBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The morning sentence: who bought improvement cheapest, and who has none yet.</summary>
    public string Verdict()
    {
        var c = CultureInfo.InvariantCulture;
        var cheapest = Cheapest(Agents);
        var parts = new List<string>();
        if (cheapest is null)
            parts.Add("No agent has an accepted improvement over the baseline yet.");
        else
        {
            parts.Add(string.Create(c, $"{cheapest.Name} bought improvement cheapest: {Gain(cheapest)} for {Spent(cheapest)} ({PerUnit(cheapest)} per {Unit})."));
            var models = Models.Where(m => m.HasGain).ToList();
            if (Cheapest(models) is { } model && models.Count + Models.Count(m => !m.HasGain) > 1)
                parts.Add(string.Create(c, $"Among models, {model.Name} was cheapest ({PerUnit(model)} per {Unit})."));
        }
        var none = Agents.Where(a => !a.HasGain && a.Experiments > 0).ToList();
        if (none.Count > 0)
            parts.Add($"No gain yet from {string.Join(", ", none.Select(a => $"{a.Name} (after {Spent(a)})"))}.");
        return string.Join(" ", parts);
    }

    /// <summary>The gain in words, e.g. <c>3.2 % better than the baseline</c>.</summary>
    public string Gain(GainCost row) => Relative
        ? string.Create(CultureInfo.InvariantCulture, $"{row.GainUnits:0.##} % better than the baseline")
        : string.Create(CultureInfo.InvariantCulture, $"{row.GainUnits:G4} better than the baseline");

    /// <summary>What it spent, in words, e.g. <c>120 CPU-s, 4,000 tokens</c>.</summary>
    public static string Spent(GainCost row)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string> { string.Create(c, $"{row.Experiments} experiment{(row.Experiments == 1 ? "" : "s")}") };
        if (row.CpuSeconds > 0) parts.Add(string.Create(c, $"{row.CpuSeconds:N0} CPU-s"));
        if (row.GpuSeconds > 0) parts.Add(string.Create(c, $"{row.GpuSeconds:N0} GPU-s"));
        if (row.Tokens > 0) parts.Add(string.Create(c, $"{row.Tokens:N0} tokens"));
        return string.Join(", ", parts);
    }

    /// <summary>Cost per gain unit in words, e.g. <c>37 CPU-s, 1,250 tokens</c>; "no gain yet" without a gain.</summary>
    public static string PerUnit(GainCost row)
    {
        if (!row.HasGain) return "no gain yet";
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (row.CpuSecondsPerUnit is > 0 and var cpu) parts.Add(string.Create(c, $"{cpu:N1} CPU-s"));
        if (row.GpuSecondsPerUnit is > 0 and var gpu) parts.Add(string.Create(c, $"{gpu:N1} GPU-s"));
        if (row.TokensPerUnit is > 0 and var tokens) parts.Add(string.Create(c, $"{tokens:N0} tokens"));
        return parts.Count == 0 ? string.Create(c, $"{row.Experiments / row.GainUnits:0.##} experiments") : string.Join(", ", parts);
    }
}
