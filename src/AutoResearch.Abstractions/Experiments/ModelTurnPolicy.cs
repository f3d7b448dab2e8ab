using System.Globalization;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>Who makes a model agent's next proposal.</summary>
public enum ModelTurnKind
{
    /// <summary>The model, as usual.</summary>
    Model,

    /// <summary>The model again after a back-off, with the recent rejection reasons in its prompt.</summary>
    RetryModel,

    /// <summary>The agent's built-in fallback optimizer: the model's last answers were rejected one after another.</summary>
    BackOff,

    /// <summary>The built-in fallback optimizer for the rest of the campaign: the agent's rejection allowance is used up.</summary>
    Exhausted,
}

/// <summary>
/// The decision for a model agent's next proposal (<see cref="ModelTurnPolicy.Decide"/>), with the numbers the journal, the
/// status and the prompt tell.
/// </summary>
public sealed record ModelTurn
{
    public ModelTurnKind Kind { get; init; }

    /// <summary>True on the first turn of a back-off or of exhaustion: the moment to tell the journal.</summary>
    public bool Starts { get; init; }

    /// <summary>Rejected proposals of the agent so far, and how many it may have (its proposal-attempt allowance).</summary>
    public int Rejections { get; init; }
    public int MaxRejections { get; init; }

    /// <summary>Rejections in a row that started the current back-off (or the current streak outside one).</summary>
    public int Consecutive { get; init; }

    /// <summary>Back-off turns left including this one (0 outside a back-off), and the length of the current back-off.</summary>
    public int BackOffTurnsLeft { get; init; }
    public int BackOffSpan { get; init; }

    /// <summary>Back-offs since the model's last usable proposal (1 for the first).</summary>
    public int BackOffs { get; init; }

    /// <summary>Reasons of the latest rejections since the model's last usable proposal, oldest first (at most 3).</summary>
    public IReadOnlyList<string> RecentRejections { get; init; } = [];

    /// <summary>True when the model is asked (<see cref="ModelTurnKind.Model"/> or <see cref="ModelTurnKind.RetryModel"/>).</summary>
    public bool AsksModel => Kind is ModelTurnKind.Model or ModelTurnKind.RetryModel;

    public static ModelTurn AskModel { get; } = new();
}

/// <summary>
/// When a model agent's proposals are rejected before they run (unreadable answer, invalid parameters, a failing proposer),
/// they cost no experiment but they use the agent's proposal-attempt allowance (<c>max_rejections</c>), and after
/// <c>backoff_after</c> rejections in a row the agent's next turns go to its built-in fallback optimizer for a back-off
/// (<c>backoff_turns</c>, doubling after each back-off that ends in another rejection, at most <c>backoff_max_turns</c>).
/// After a back-off the model is asked again with the recent rejection reasons; one more rejection starts the next, longer,
/// back-off. A usable model proposal ends the streak and resets the doubling. Once the allowance is used up, the fallback
/// optimizer makes every remaining proposal. The decision is computed from the ledger's history of the agent's proposals,
/// so it survives restarts.
/// </summary>
public sealed record ModelTurnPolicy
{
    public const string BackOffAfterSetting = "backoff_after";
    public const string MaxRejectionsSetting = "max_rejections";
    public const string BackOffTurnsSetting = "backoff_turns";
    public const string BackOffMaxTurnsSetting = "backoff_max_turns";

    /// <summary>The settings this policy reads (all positive integers).</summary>
    public static IReadOnlyList<string> Settings { get; } = [BackOffAfterSetting, MaxRejectionsSetting, BackOffTurnsSetting, BackOffMaxTurnsSetting];

    /// <summary>Rejections in a row before the agent backs off (default 3).</summary>
    public int BackOffAfter { get; init; } = 3;

    /// <summary>Rejections the agent may have in the whole campaign; null: twice its fair share of <c>max_experiments</c>.</summary>
    public int? MaxRejections { get; init; }

    /// <summary>Turns of the first back-off (default 2); each further back-off doubles it, up to <see cref="BackOffMaxTurns"/> (default 16).</summary>
    public int BackOffTurns { get; init; } = 2;
    public int BackOffMaxTurns { get; init; } = 16;

    /// <summary>Why <paramref name="value"/> is not a valid value of setting <paramref name="key"/>; null when it is (or the key is not this policy's).</summary>
    public static string? WhyInvalid(string key, string? value)
    {
        if (!Settings.Contains(key)) return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= 100_000
            ? null
            : $"setting '{key}' must be a whole number from 1 to 100000 (got '{value}')";
    }

    /// <summary>Reads the policy from an agent's settings (invalid values are refused at load, see <see cref="WhyInvalid"/>; here they keep the default).</summary>
    public static ModelTurnPolicy From(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int? Read(string key) => settings.TryGetValue(key, out var v) && WhyInvalid(key, v) is null ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        var policy = new ModelTurnPolicy();
        return policy with
        {
            BackOffAfter = Read(BackOffAfterSetting) ?? policy.BackOffAfter,
            MaxRejections = Read(MaxRejectionsSetting),
            BackOffTurns = Read(BackOffTurnsSetting) ?? policy.BackOffTurns,
            BackOffMaxTurns = Math.Max(Read(BackOffTurnsSetting) ?? policy.BackOffTurns, Read(BackOffMaxTurnsSetting) ?? policy.BackOffMaxTurns),
        };
    }

    /// <summary>The default allowance: twice the agent's fair share of the campaign's experiments (by weight), at least <see cref="BackOffAfter"/>.</summary>
    public int AllowanceFor(int maxExperiments, double agentWeight, double totalWeight)
    {
        if (MaxRejections is { } stated) return stated;
        var share = totalWeight > 0 ? maxExperiments * Math.Max(0, agentWeight) / totalWeight : maxExperiments;
        return Math.Max(BackOffAfter, 2 * (int)Math.Ceiling(share));
    }

    /// <summary>
    /// The next turn of an agent from its earlier proposals (<see cref="ExperimentKind.Proposal"/> records of this agent, any order;
    /// a record made by the fallback during a back-off is recognised by <see cref="FallbackProposals.IsBackOff"/>).
    /// </summary>
    public ModelTurn Decide(IEnumerable<ExperimentRecord> proposals, int maxRejections)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        int streak = 0, backOffs = 0, left = 0, span = 0, total = 0, lastStreak = 0;
        var reasons = new List<string>();
        var justEnded = false;
        var exhaustedTurns = 0;
        foreach (var e in proposals.Where(e => e.Kind == ExperimentKind.Proposal).OrderBy(e => e.Sequence))
        {
            if (FallbackProposals.IsExhausted(e)) exhaustedTurns++;
            if (FallbackProposals.IsBackOff(e) || FallbackProposals.IsExhausted(e))
            {
                if (left > 0) left--;
                justEnded = left == 0 && span > 0 && FallbackProposals.IsBackOff(e);
                continue;
            }
            justEnded = false;
            if (e.IsRejectedProposal() && left > 0)
            {
                // Asked before the back-off began (another worker of the agent): it uses the allowance, the back-off stands.
                total++;
                reasons.Add(e.Reason ?? "");
            }
            else if (e.IsRejectedProposal())
            {
                total++;
                streak++;
                reasons.Add(e.Reason ?? "");
                // After a back-off the model gets one try: another rejection starts the next, longer back-off.
                if (streak >= (backOffs > 0 ? 1 : BackOffAfter))
                {
                    backOffs++;
                    span = (int)Math.Min(BackOffMaxTurns, (long)BackOffTurns << Math.Min(20, backOffs - 1));
                    left = span;
                    lastStreak = streak;
                    streak = 0;
                }
            }
            else if (!FallbackProposals.IsFallback(e))
            {
                // A usable model proposal: the streak and the doubling start over, the old reasons are history.
                streak = 0;
                backOffs = 0;
                reasons.Clear();
            }
        }

        var recent = reasons.TakeLast(3).ToList();
        var turn = new ModelTurn { Rejections = total, MaxRejections = maxRejections, RecentRejections = recent, Consecutive = left > 0 ? lastStreak : streak, BackOffs = backOffs };
        if (total >= maxRejections)
            return turn with { Kind = ModelTurnKind.Exhausted, Starts = exhaustedTurns == 0 };
        if (left > 0)
            return turn with { Kind = ModelTurnKind.BackOff, Starts = left == span, BackOffTurnsLeft = left, BackOffSpan = span };
        if (justEnded)
            return turn with { Kind = ModelTurnKind.RetryModel, Consecutive = lastStreak };
        return turn with { Kind = ModelTurnKind.Model };
    }
}
