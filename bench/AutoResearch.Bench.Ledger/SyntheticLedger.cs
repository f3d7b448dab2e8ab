using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Bench.Ledger;

/// <summary>
/// A finished campaign of <c>n</c> synthetic experiments on the real ledger: a baseline, proposals from every agent of the
/// spec (85 % succeeded, 9 % failed with a reason, 3 % pruned, 2 % rejected before running), a repeat after each accepted
/// best, accepted bests on the leaderboard, one journal note per 100 experiments. Parameters, hypothesis, logs and a metric
/// curve are filled so rows weigh what real ones do.
/// </summary>
public static class SyntheticLedger
{
    public static async Task<string> FillAsync(ILedger ledger, IJournal journal, CampaignSpec spec, string campaignId, int n, int seed, CancellationToken ct)
    {
        var rng = new Random(seed);
        var start = new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
        var metric = spec.Benchmark.Metric;
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = campaignId,
            Name = spec.Name,
            State = CampaignState.Completed,
            CreatedAt = start,
            StartedAt = start,
            Deadline = start.AddHours(10),
            EndedAt = start.AddSeconds(n * 0.3 + 60),
            Reason = "max_experiments reached",
            Spec = spec with { MaxExperiments = n },
        }, ct);

        var agents = spec.Agents.Select(a => a.Id).ToList();
        var log = string.Concat(Enumerable.Repeat("epoch 1/10 loss=0.9132 acc=0.71\n", 8));
        var batch = new List<ExperimentRecord>(5000);
        double? best = null;
        string? bestId = null;
        var index = 0;
        var note = 0;
        for (var seq = 1; seq <= n; seq++)
        {
            var agent = seq == 1 ? agents[0] : agents[seq % agents.Count];
            var id = $"{campaignId}/{agent}/{seq:D6}";
            var queued = start.AddSeconds(seq * 0.3);
            var x1 = rng.NextDouble() * 15 - 5;
            var x2 = rng.NextDouble() * 15;
            var roll = rng.NextDouble();
            var kind = seq == 1 ? ExperimentKind.Baseline : ExperimentKind.Proposal;
            var status = seq == 1 || roll < 0.85 ? ExperimentStatus.Succeeded : roll < 0.94 ? ExperimentStatus.Failed : roll < 0.97 ? ExperimentStatus.Pruned : ExperimentStatus.Failed;
            var rejected = seq > 1 && roll >= 0.97 && roll < 0.99;
            var failure = status == ExperimentStatus.Failed ? rejected ? FailureKind.Rejected : (FailureKind)(1 + rng.Next(3)) : FailureKind.None;
            double? objective = status == ExperimentStatus.Succeeded ? Branin(x1, x2) : status == ExperimentStatus.Pruned ? Branin(x1, x2) + 5 : null;
            var verdict = AcceptanceVerdict.NotJudged;
            string? repeatOf = null;
            if (seq == 1) verdict = AcceptanceVerdict.Baseline;
            else if (objective is { } o && status == ExperimentStatus.Succeeded)
                verdict = best is null || metric.IsBetter(o, best.Value) ? AcceptanceVerdict.Accepted : AcceptanceVerdict.NotBetter;
            // Every 50th experiment repeats the current best.
            if (seq > 1 && seq % 50 == 0 && bestId is not null && status == ExperimentStatus.Succeeded)
            {
                kind = ExperimentKind.Repeat;
                repeatOf = bestId;
                objective = best!.Value * (1 + (rng.NextDouble() - 0.5) * 0.001);
                verdict = AcceptanceVerdict.Confirming;
            }

            var e = new ExperimentRecord
            {
                Id = id,
                CampaignId = campaignId,
                AgentId = agent,
                Sequence = seq,
                ProposerName = agent.StartsWith("random", StringComparison.Ordinal) ? "random" : "portfolio:gp",
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = x1.ToString("R", CultureInfo.InvariantCulture), ["x2"] = x2.ToString("R", CultureInfo.InvariantCulture) }),
                Hypothesis = $"Moving x1 towards {x1:F2} and x2 towards {x2:F2} should lower the Branin value near the second basin.",
                IsBaseline = seq == 1,
                Kind = kind,
                RepeatOf = repeatOf,
                Status = status,
                Failure = failure,
                Attempt = rejected ? 0 : 1,
                Reason = status switch
                {
                    ExperimentStatus.Failed when rejected => "The proposal was rejected: x1 is outside its range",
                    ExperimentStatus.Failed => "exit code 1: Traceback (most recent call last): ValueError: synthetic failure",
                    ExperimentStatus.Pruned => "stopped early: its curve was worse than the median at step 3",
                    _ => null,
                },
                QueuedAt = queued,
                StartedAt = rejected ? null : queued.AddSeconds(0.1),
                EndedAt = queued.AddSeconds(rejected ? 0 : 0.25 + rng.NextDouble()),
                Objective = objective,
                Verdict = verdict,
                CpuSeconds = rejected ? 0 : 0.5 + rng.NextDouble(),
                Seed = seq,
                LogHead = log,
                LogTail = log,
                Metrics = objective is { } v ? [.. Enumerable.Range(1, 5).Select(s => new MetricPoint { Name = metric.Name, Value = v + 1.0 / s, Step = s })] : [],
            };
            batch.Add(e);
            if (verdict == AcceptanceVerdict.Accepted || verdict == AcceptanceVerdict.Baseline)
            {
                best = objective;
                bestId = id;
                await ledger.AppendLeaderboardAsync(new LeaderboardEntry
                {
                    CampaignId = campaignId, Index = index++, ExperimentId = id, Sequence = seq, AgentId = agent, Objective = objective!.Value,
                    AcceptedAt = e.EndedAt!.Value, Parameters = e.Parameters,
                }, ct);
            }

            if (seq % 100 == 0)
            {
                await journal.AppendAsync(new JournalEntry
                {
                    CampaignId = campaignId, Author = agent, Kind = JournalEntryKind.Reflection, ExperimentId = id, At = e.EndedAt!.Value,
                    Text = $"Reflection {++note}: the best so far is {best:F4}; the second basin looks more promising.",
                }, ct);
            }

            if (batch.Count == batch.Capacity)
            {
                await ledger.SaveExperimentsAsync(batch, ct);
                batch.Clear();
            }
        }

        await ledger.SaveExperimentsAsync(batch, ct);
        return campaignId;
    }

    private static double Branin(double x1, double x2)
    {
        const double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        return a * Math.Pow(x2 - b * x1 * x1 + c * x1 - r, 2) + s * (1 - t) * Math.Cos(x1) + s;
    }
}
