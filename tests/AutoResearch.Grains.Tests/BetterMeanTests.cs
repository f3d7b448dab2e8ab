using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>The better-mean rule of the leaderboard (<see cref="NoiseSpec.PreferBetterMean"/>), run by run.</summary>
public sealed class BetterMeanTests
{
    private static readonly MetricSpec Loss = new() { Name = "loss", Direction = Direction.Minimize };
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    private sealed class Campaign(bool preferBetterMean)
    {
        private int _sequence;
        public CampaignLeaderboard Board { get; } = new("c", Loss, new NoiseSpec { BaselineRuns = 3, ConfirmationRuns = 2, Sigmas = 2, PreferBetterMean = preferBetterMean });

        private ExperimentRecord Record(ExperimentKind kind, double value, string recipe, string? of = null)
        {
            var seq = _sequence++;
            return new ExperimentRecord
            {
                Id = $"c/{seq:D4}", CampaignId = "c", AgentId = "a", Sequence = seq, ProposerName = "test",
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["recipe"] = recipe }), Kind = kind, IsBaseline = kind == ExperimentKind.Baseline, RepeatOf = of,
                Status = ExperimentStatus.Succeeded, Objective = value, QueuedAt = Now, EndedAt = Now.AddSeconds(seq),
            };
        }

        public void Baseline(params double[] runs)
        {
            var baseline = Record(ExperimentKind.Baseline, runs[0], "defaults");
            Board.BaselineLaunched(baseline);
            Board.Observe(baseline, Now);
            foreach (var v in runs.Skip(1))
                Board.Observe(Record(ExperimentKind.Repeat, v, "defaults", Board.TakeRepeat()!.Id), Now);
        }

        /// <summary>A proposal's first run, then its confirmation runs (when the board asks for them); the last judgement.</summary>
        public Judgement Propose(string recipe, double first, params double[] confirmations)
        {
            var judged = Board.Observe(Record(ExperimentKind.Proposal, first, recipe), Now).ToList();
            foreach (var v in confirmations)
            {
                var root = Board.TakeRepeat();
                Assert.NotNull(root);
                judged.AddRange(Board.Observe(Record(ExperimentKind.Repeat, v, recipe, root!.Id), Now));
            }
            return judged[^1];
        }
    }

    [Fact]
    public void After_a_confident_best_a_confirmed_better_mean_replaces_it_without_claiming_confidence()
    {
        var campaign = new Campaign(preferBetterMean: true);
        campaign.Baseline(10.0, 10.3, 9.7);
        var first = campaign.Propose("good", 8.0, 8.1, 7.9);
        Assert.Equal((AcceptanceVerdict.Accepted, AcceptanceReason.Confidence), (first.Verdict, first.Reason));

        // Fresh runs 7.85 on average against the best's 8.0: better, far inside the margin of the second test.
        var second = campaign.Propose("slightly better", 7.5, 7.9, 7.8);
        Assert.Equal((AcceptanceVerdict.Accepted, AcceptanceReason.BetterMean), (second.Verdict, second.Reason));
        var best = campaign.Board.Best!;
        Assert.Equal(("slightly better", AcceptanceReason.BetterMean, (double?)null), (best.Parameters["recipe"].Text, best.Reason, best.Confidence));
        Assert.Contains("preferred as the better estimate", second.Why);
        Assert.Equal(3, campaign.Board.History.Count);

        // Confirmation runs that do not beat the best's mean change nothing.
        var worse = campaign.Propose("lucky once", 7.0, 7.95, 8.0);
        Assert.Equal(AcceptanceVerdict.NotBetter, worse.Verdict);
        Assert.Equal("slightly better", campaign.Board.Best!.Parameters["recipe"].Text);
    }

    [Fact]
    public void Turned_off_or_against_the_baseline_only_a_confident_win_replaces_the_best()
    {
        var off = new Campaign(preferBetterMean: false);
        off.Baseline(10.0, 10.3, 9.7);
        off.Propose("good", 8.0, 8.1, 7.9);
        var second = off.Propose("slightly better", 7.5, 7.9, 7.8);
        Assert.Equal(AcceptanceVerdict.WithinNoise, second.Verdict);
        Assert.Equal("good", off.Board.Best!.Parameters["recipe"].Text);

        // The best is still the baseline: a confirmed candidate that does not clear the test never replaces it.
        var on = new Campaign(preferBetterMean: true);
        on.Baseline(10.0, 10.3, 9.7);
        var small = on.Propose("small", 9.4, 9.9, 9.8);
        Assert.Equal(AcceptanceVerdict.WithinNoise, small.Verdict);
        Assert.Equal(0, on.Board.Best!.Index);
    }
}
