using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>
/// Facts computed from the ledger's experiments the same way the campaign computes them while it runs, so that a report,
/// a summary and the live status agree: the runs behind an experiment, early-stop refunds.
/// </summary>
public static class RunStatistics
{
    /// <summary>
    /// The grace a sandbox gets after its time limit before it is killed. Budgets reserve (time limit + grace) × resources for
    /// every run (the agent's <c>KillGrace</c>, 5 s); the ledger does not store reservations, so reports recompute them with it.
    /// </summary>
    public static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Objective values of <paramref name="experimentId"/>'s own run and of every repeat of it (new seeds), in sequence
    /// order; only succeeded runs with a finite objective count.
    /// </summary>
    public static List<double> RunsOf(string experimentId, IEnumerable<ExperimentRecord> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        return experiments
            .Where(e => e.HasUsableObjective && (e.Id == experimentId || e.RepeatOf == experimentId))
            .OrderBy(e => e.Sequence)
            .Select(e => e.Objective!.Value)
            .ToList();
    }

    /// <summary>Sample standard deviation; null with fewer than two values.</summary>
    public static double? SampleStdDev(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            return null;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// What stopping <paramref name="experiment"/> early gave back to its agent's budget: the worst case reserved for the run,
    /// (time limit + <see cref="KillGrace"/>) × the benchmark's CPUs and GPUs, minus what it used. Zero for runs that were not
    /// pruned. Computed here because the ledger keeps what a run used, not what was reserved for it; the benchmark spec the
    /// campaign stored is what the reservation was made from.
    /// </summary>
    public static ResourceUse EarlyStopRefund(ExperimentRecord experiment, BenchmarkSpec benchmark)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(benchmark);
        if (experiment.Status != ExperimentStatus.Pruned)
        {
            return ResourceUse.Zero;
        }

        var reserved = ResourceUse.WorstCaseRun(benchmark, KillGrace);
        return new ResourceUse
        {
            CpuSeconds = Math.Max(0, reserved.CpuSeconds - experiment.CpuSeconds),
            GpuSeconds = Math.Max(0, reserved.GpuSeconds - experiment.GpuSeconds),
        };
    }

    /// <summary>
    /// Model tokens an agent (or, with <paramref name="agentId"/> null, the campaign) used: the larger of the tokens charged on its
    /// experiments and the tokens of its metered model calls. Every model call is metered in the ledger, and an experiment's tokens
    /// are those of the calls that proposed it, so the calls are the complete count when they are recorded; ledgers without model
    /// calls still have the experiments' tokens.
    /// </summary>
    public static long TokensUsed(IEnumerable<ExperimentRecord> experiments, IEnumerable<ModelCallRecord> calls, string? agentId = null)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(calls);
        var charged = experiments.Where(e => agentId is null || e.AgentId == agentId).Sum(e => e.Tokens);
        var metered = calls.Where(c => agentId is null || c.AgentId == agentId).Sum(c => c.TotalTokens);
        return Math.Max(charged, metered);
    }
}
