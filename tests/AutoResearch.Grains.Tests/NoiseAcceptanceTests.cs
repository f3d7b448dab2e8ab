using System.Collections.Concurrent;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Noise-aware acceptance through the real grains and ledger. The scripted sandbox gives the baseline runs 10.0, 10.4, 9.6
/// and 10.2 (mean 10.05, σ ≈ 0.34): a first run that beats the best by more than the screening margin (1 standard error,
/// 0.38) gets confirmation runs, and only those fresh runs are tested against the best.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NoiseAcceptanceTests(ClusterFixture fixture)
{
    private static readonly double[] BaselineRuns = [10.0, 10.4, 9.6, 10.2];

    [Fact]
    public async Task A_fake_improvement_inside_the_noise_band_is_confirmed_and_not_accepted()
    {
        // Every proposal's first run says 9.6 (better than 10.05 by 0.45: screened in); its re-runs say 9.95 and 10.0.
        var id = TestSpecs.UniqueId("fake");
        Script(id, proposal: 9.6, proposalRepeats: [9.95, 10.0]);

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(NoisyCampaign("fake", maxExperiments: 13));
        var status = await Waits.ForEndAsync(fixture.Grains, id);

        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        var board = await fixture.Grains.GetGrain<ICampaignGrain>(id).GetLeaderboard();
        var stored = await fixture.Ledger.GetLeaderboardAsync(id);

        Assert.Equal(CampaignState.Completed, status.State);
        var onlyBaseline = Assert.Single(board.History);
        Assert.Equal(0, onlyBaseline.Sequence);
        Assert.Single(stored);
        Assert.Equal(BaselineRuns.Average(), status.Best!.Value, 9);
        Assert.NotNull(status.NoiseStdDev);
        Assert.InRange(status.NoiseStdDev!.Value, 0.2, 0.5);

        var proposals = experiments.Where(e => e.Kind == ExperimentKind.Proposal).ToList();
        Assert.NotEmpty(proposals);
        Assert.DoesNotContain(proposals, p => p.Verdict == AcceptanceVerdict.Accepted);
        var confirmed = proposals.Where(p => p.Verdict == AcceptanceVerdict.WithinNoise && p.Confidence is not null).ToList();
        Assert.NotEmpty(confirmed);
        Assert.Contains(confirmed, p => experiments.Count(e => e.RepeatOf == p.Id) == 2);
        foreach (var p in confirmed)
        {
            // A confirmation still queued when the experiment cap was reached never ran; the result was tested on the fresh runs it had.
            var repeats = experiments.Where(e => e.RepeatOf == p.Id).ToList();
            Assert.InRange(repeats.Count, 1, 2);
            Assert.All(repeats, r => Assert.Equal(p.Parameters, r.Parameters));
            Assert.Equal(repeats.Count + 1, repeats.Select(r => r.Seed).Append(p.Seed).Distinct().Count());
            Assert.NotNull(p.Confidence);
            Assert.True(p.Confidence < 0.9, $"confidence {p.Confidence} of a noise-level change should be low");
            Assert.True(p.Margin > 0.3, $"margin {p.Margin} should reflect the measured noise");
        }
        Assert.Equal(3, experiments.Count(e => e.Kind == ExperimentKind.Repeat && e.RepeatOf == experiments.Single(x => x.Kind == ExperimentKind.Baseline).Id));

        var journal = await fixture.Journal.ReadAsync(id);
        Assert.Contains(journal, j => j.Text.Contains("confirmation runs queued", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Kind == JournalEntryKind.DeadEnd && j.Text.Contains("not more than the margin", StringComparison.Ordinal));
        Assert.False(status.Noise.IdenticalRepeats);
        Assert.True(status.Noise.Tests >= 1);
        Assert.DoesNotContain(journal, j => j.Text.StartsWith("New best", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_improvement_beyond_the_noise_band_is_accepted_with_high_confidence()
    {
        var id = TestSpecs.UniqueId("real");
        Script(id, proposal: 8.0, proposalRepeats: [8.1, 7.9]);

        // 10 experiments: the baseline's 4 runs, then proposals and the confirmation runs that test them on fresh runs.
        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(NoisyCampaign("real", maxExperiments: 10));
        var status = await Waits.ForEndAsync(fixture.Grains, id);

        var board = await fixture.Grains.GetGrain<ICampaignGrain>(id).GetLeaderboard();
        var stored = await fixture.Ledger.GetLeaderboardAsync(id);
        Assert.Equal(2, board.History.Count);
        Assert.Equal(board.History.Select(e => e.ExperimentId), stored.Select(e => e.ExperimentId));
        var best = board.Best!;
        // The mean of its first run and its confirmation runs (one of them may have been cut by the experiment cap).
        Assert.InRange(best.Objective, 7.95, 8.05);
        Assert.True(best.Confidence > 0.99, $"confidence {best.Confidence}");
        Assert.True(best.Margin is > 0.3 and < 2.05, $"margin {best.Margin}");
        Assert.InRange(status.Best!.Value, 7.95, 8.05);
        Assert.Equal(best.ExperimentId, status.BestExperimentId);

        var accepted = Assert.Single(await fixture.Ledger.GetExperimentsAsync(id), e => e.Verdict == AcceptanceVerdict.Accepted);
        Assert.Equal(best.ExperimentId, accepted.Id);
        var journal = await fixture.Journal.ReadAsync(id);
        Assert.Contains(journal, j => j.Kind == JournalEntryKind.Insight && j.Text.StartsWith("New best value=8", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_noise_measurement_off_every_strictly_better_result_counts_and_no_confidence_is_claimed()
    {
        var id = TestSpecs.UniqueId("nonoise");
        Script(id, proposal: 9.7, proposalRepeats: []);
        var spec = NoisyCampaign("nonoise", maxExperiments: 3) with { Noise = NoiseSpec.Off };

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        await Waits.ForEndAsync(fixture.Grains, id);

        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.DoesNotContain(experiments, e => e.Kind == ExperimentKind.Repeat);
        var board = await fixture.Grains.GetGrain<ICampaignGrain>(id).GetLeaderboard();
        // Measurement off declares the benchmark deterministic: any strictly better result counts, and no confidence is claimed.
        Assert.Equal(2, board.History.Count);
        Assert.Null(board.Best!.Confidence);
        Assert.Equal(AcceptanceReason.MinimumImprovement, board.Best.Reason);
        Assert.Equal(0, board.Best.Margin!.Value);
    }

    [Fact]
    public async Task Identical_baseline_repeats_are_told_once_a_tiny_gain_is_refused_and_a_real_one_is_accepted_by_minimum_improvement()
    {
        // A benchmark that ignores AR_SEED (here: the campaign pins it): four bit-identical baseline runs.
        var tinyId = TestSpecs.UniqueId("same");
        Script(tinyId, proposal: 10.0 - 1e-6, proposalRepeats: [10.0 - 1e-6], baseline: [10.0, 10.0, 10.0, 10.0]);
        var spec = NoisyCampaign("same", maxExperiments: 8);
        spec = spec with { Benchmark = spec.Benchmark with { FixedSeed = 7 } };
        await fixture.Grains.GetGrain<ICampaignGrain>(tinyId).Start(spec);
        var status = await Waits.ForEndAsync(fixture.Grains, tinyId);

        Assert.True(status.Noise.IdenticalRepeats);
        Assert.True(status.Noise.UsesMinimumImprovement);
        Assert.Single((await fixture.Grains.GetGrain<ICampaignGrain>(tinyId).GetLeaderboard()).History);
        var experiments = await fixture.Ledger.GetExperimentsAsync(tinyId);
        Assert.All(experiments, e => Assert.Equal(7, e.Seed));
        Assert.DoesNotContain(experiments, e => e.Kind == ExperimentKind.Repeat && e.RepeatOf != experiments.Single(x => x.Kind == ExperimentKind.Baseline).Id);
        Assert.All(experiments.Where(e => e.Kind == ExperimentKind.Proposal), p =>
        {
            Assert.Equal(AcceptanceVerdict.WithinNoise, p.Verdict);
            Assert.Null(p.Confidence);
        });
        var journal = await fixture.Journal.ReadAsync(tinyId);
        var told = Assert.Single(journal, j => j.Text.StartsWith("Identical repeats:", StringComparison.Ordinal));
        Assert.Contains("pins AR_SEED to 7", told.Text);
        Assert.Contains("default minimum improvement 1 %", told.Text);
        // No confidence figure is claimed anywhere (a "confidence 99.9 %" would be a lie here).
        Assert.DoesNotContain(journal, j => System.Text.RegularExpressions.Regex.IsMatch(j.Text, @"confidence \d"));

        var realId = TestSpecs.UniqueId("same-real");
        Script(realId, proposal: 9.8, proposalRepeats: [9.8], baseline: [10.0, 10.0, 10.0, 10.0]);
        await fixture.Grains.GetGrain<ICampaignGrain>(realId).Start(NoisyCampaign("same-real", maxExperiments: 6));
        await Waits.ForEndAsync(fixture.Grains, realId);
        var board = await fixture.Grains.GetGrain<ICampaignGrain>(realId).GetLeaderboard();
        Assert.Equal(2, board.History.Count);
        Assert.Equal(AcceptanceReason.MinimumImprovement, board.Best!.Reason);
        Assert.Null(board.Best.Confidence);
        Assert.True(board.Noise.IdenticalRepeats);
        var realJournal = await fixture.Journal.ReadAsync(realId);
        Assert.Contains(realJournal, j => j.Text.StartsWith("New best value=9.8", StringComparison.Ordinal) &&
            j.Text.Contains("at least the minimum improvement 1 %", StringComparison.Ordinal) &&
            !System.Text.RegularExpressions.Regex.IsMatch(j.Text, @"confidence \d"));
        Assert.Contains(realJournal, j => j.Text.Contains("does not draw its randomness from AR_SEED", StringComparison.Ordinal));
    }

    private static CampaignSpec NoisyCampaign(string name, int maxExperiments) =>
        TestSpecs.Campaign(name, maxExperiments, slots: 2, proposers: ["random"]) with
        {
            Noise = new NoiseSpec { BaselineRuns = 4, ConfirmationRuns = 2, Sigmas = 2 },
        };

    /// <summary>Values by what the run is: the baseline's runs in order, proposals' first runs, and repeats of a proposal.</summary>
    private void Script(string campaignId, double proposal, double[] proposalRepeats, double[]? baseline = null)
    {
        var baselineRuns = baseline ?? BaselineRuns;
        var baselineRun = 0;
        var repeatsOf = new ConcurrentDictionary<string, int>();
        fixture.Sandbox.Script(campaignId, request =>
        {
            var record = fixture.Ledger.GetExperimentAsync(request.ExperimentId).GetAwaiter().GetResult()
                ?? throw new InvalidOperationException($"{request.ExperimentId} is not in the ledger");
            double value;
            if (record.Kind == ExperimentKind.Baseline || (record.Kind == ExperimentKind.Repeat && record.RepeatOf!.EndsWith("/0000", StringComparison.Ordinal)))
                value = baselineRuns[Interlocked.Increment(ref baselineRun) - 1];
            else if (record.Kind == ExperimentKind.Repeat)
                value = proposalRepeats[repeatsOf.AddOrUpdate(record.RepeatOf!, 0, (_, n) => n + 1) % proposalRepeats.Length];
            else
                value = proposal;
            return new SandboxResult
            {
                Status = ExperimentStatus.Succeeded,
                ExitCode = 0,
                Objective = value,
                Metrics = [new MetricPoint { Name = "value", Value = value }],
                StartedAt = default,
                EndedAt = default,
            };
        });
    }
}
