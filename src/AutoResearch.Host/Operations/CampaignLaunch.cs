using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;

namespace AutoResearch.Host.Operations;

/// <summary>
/// The operations that load, check, start, resume and report a campaign — <c>run</c>, <c>validate</c> and <c>report</c> in the CLI,
/// the console's new-campaign form, Resume here and Write report, and the HTTP API behind them — with their rules in one place.
/// Each front end only parses its input and shows the <see cref="OperationResult{T}"/>. The operations a person runs on a
/// campaign already in the ledger (pause, resume, stop, budgets, notes) are <see cref="CampaignOperations"/>.
/// </summary>
/// <remarks>
/// Each host has what its commands need (the CLI's <c>validate</c> only the sandboxes, <c>report</c> only the ledger), so every
/// port is optional here; an operation asked of a host without the port it needs throws <see cref="InvalidOperationException"/>
/// naming it (a composition mistake, not bad input).
/// </remarks>
public sealed partial class CampaignLaunch(
    ILedger? ledger = null,
    IGrainFactory? grains = null,
    IProposerFactory? proposers = null,
    ISandboxImages? images = null,
    ISandboxRunner? runner = null,
    IReportWriter? reports = null,
    TimeProvider? clock = null)
{
    /// <summary>Campaigns whose grains were started (or resumed) by this process.</summary>
    private readonly ConcurrentDictionary<string, bool> _runningHere = new(StringComparer.Ordinal);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Whether this process started (or resumed) the campaign, so its grains run here.</summary>
    public bool RunsHere(string campaignId) => _runningHere.ContainsKey(campaignId);

    /// <summary>Loads a campaign file with the same loader every front end uses; every problem is named with its file and field.</summary>
    public static OperationResult<CampaignSpec> LoadCampaign(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return OperationResult<CampaignSpec>.Done(CampaignLoader.Load(path));
        }
        catch (SpecValidationException ex)
        {
            return Invalid<CampaignSpec>(ex.Errors);
        }
    }

    /// <summary>
    /// Loads what <c>validate</c> checks: a benchmark (<c>benchmark.yaml</c> or its folder), or the benchmark of a campaign file (a
    /// file with a top-level <c>benchmark:</c> key).
    /// </summary>
    public static OperationResult<BenchmarkSpec> LoadBenchmark(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return OperationResult<BenchmarkSpec>.Done(IsCampaignFile(path) ? CampaignLoader.Load(path).Benchmark : BenchmarkLoader.Load(path));
        }
        catch (SpecValidationException ex)
        {
            return Invalid<BenchmarkSpec>(ex.Errors);
        }
    }

    /// <summary>
    /// What a benchmark needs before anything runs (<see cref="BenchmarkPreflight"/>: its images on the Docker host, the scripts its
    /// commands name among the files copied): the benchmark when it can run, its problems (<see cref="OperationField.File"/>), or a
    /// refusal when the Docker host could not be asked. Static, so <c>run</c> checks before its host (and silo) starts.
    /// </summary>
    public static async Task<OperationResult<BenchmarkSpec>> PreflightAsync(BenchmarkSpec benchmark, ISandboxImages images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        ArgumentNullException.ThrowIfNull(images);
        IReadOnlyList<SpecError> problems;
        try
        {
            problems = await BenchmarkPreflight.CheckAsync(benchmark, images, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return OperationResult<BenchmarkSpec>.Refuse(ex.Message);
        }
        return problems.Count > 0 ? Invalid<BenchmarkSpec>(problems) : OperationResult<BenchmarkSpec>.Done(benchmark);
    }

    /// <summary>
    /// <c>validate</c>: the benchmark's preflight, then its baseline (every parameter at its default) run once in a real sandbox.
    /// Records nothing. <paramref name="onReady"/> is told when the checks passed and the baseline is about to run. Done even when
    /// the baseline run failed: <see cref="BaselineCheck.Passed"/> says whether it gave an objective.
    /// </summary>
    public async Task<OperationResult<BaselineCheck>> ValidateAsync(BenchmarkSpec benchmark, Func<BenchmarkSpec, Task>? onReady, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var checkedBenchmark = await PreflightAsync(benchmark, Need(images), cancellationToken);
        if (!checkedBenchmark.Ok) return Failed<BaselineCheck, BenchmarkSpec>(checkedBenchmark);
        if (onReady is not null) await onReady(benchmark);
        var result = await Need(runner).RunAsync(new SandboxRequest
        {
            CampaignId = "validate",
            ExperimentId = benchmark.Name + "-baseline",
            Benchmark = benchmark,
            Parameters = benchmark.Defaults(),
            Seed = benchmark.FixedSeed ?? 0,
            Split = EvaluationSplit.Tuning,
        }, onStarted: null, onMetric: null, cancellationToken);
        return OperationResult<BaselineCheck>.Done(new BaselineCheck(benchmark, result));
    }

    /// <summary>
    /// Starts a loaded campaign on this process's silo: every agent's proposer must be usable; the campaign resumes the unfinished
    /// one of the same name unless <paramref name="fresh"/> (<see cref="CampaignIds"/>).
    /// </summary>
    public async Task<OperationResult<LaunchReply>> StartAsync(CampaignSpec spec, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var unusable = spec.Agents
            .Select(a => Need(proposers).WhyNotUsable(a))
            .OfType<string>()
            .Select(why => new OperationProblem(OperationField.Agent, why))
            .ToList();
        if (unusable.Count > 0) return new OperationResult<LaunchReply>(null, OperationFailure.Invalid, unusable);
        var (id, resumed) = await CampaignIds.ResolveAsync(Need(ledger), spec, fresh, _clock.GetUtcNow(), cancellationToken);
        // A new campaign must fit what is left of the lab's quota (one resumed was counted when it started).
        if (!resumed && await QuotaProblemsAsync(spec, cancellationToken) is { Count: > 0 } overQuota)
            return new OperationResult<LaunchReply>(null, OperationFailure.Invalid, overQuota);
        var status = await Need(grains).GetGrain<ICampaignGrain>(id).Start(spec);
        _runningHere[id] = true;
        return OperationResult<LaunchReply>.Done(new LaunchReply(id, resumed, status));
    }

    /// <summary>Why <paramref name="spec"/>'s budgets do not fit the lab's quota (<see cref="LabQuotaRules.StartProblems"/>); each names the resource and the numbers.</summary>
    public async Task<IReadOnlyList<OperationProblem>> QuotaProblemsAsync(CampaignSpec spec, CancellationToken cancellationToken)
    {
        var quota = await Need(ledger).GetLabQuotaAsync(LabQuota.DefaultLab, cancellationToken);
        if (quota.Limits.IsUnlimited) return [];
        var used = await Need(ledger).GetLabUsageAsync(cancellationToken);
        return LabQuotaRules.StartProblems(quota.Limits, used, LabQuotaRules.CampaignBudget(spec))
            .Select(p => new OperationProblem(OperationField.Quota, p.Message, p.Resource.ToString()))
            .ToList();
    }

    /// <summary>
    /// Resumes on this process's silo a campaign left running, paused or not yet started (by a stopped console or CLI) with its
    /// campaign file as it started; a campaign that already runs here is left as it is. A finished campaign is refused.
    /// </summary>
    public async Task<OperationResult<LaunchReply>> ResumeAsync(string campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        var campaign = await Need(ledger).GetCampaignAsync(campaignId, cancellationToken);
        if (campaign is null) return OperationResult<LaunchReply>.Missing();
        if (campaign.State is not (CampaignState.Running or CampaignState.Paused or CampaignState.Created))
            return OperationResult<LaunchReply>.Refuse(
                $"Campaign '{campaignId}' is {campaign.State.ToString().ToLowerInvariant()}; only an unfinished campaign can be resumed.");
        var grain = Need(grains).GetGrain<ICampaignGrain>(campaignId);
        if (RunsHere(campaignId)) return OperationResult<LaunchReply>.Done(new LaunchReply(campaignId, Resumed: false, await grain.GetStatus()));
        var status = await grain.Start(campaign.Spec);
        _runningHere[campaignId] = true;
        return OperationResult<LaunchReply>.Done(new LaunchReply(campaignId, Resumed: true, status));
    }

    /// <summary>Writes a report of the campaign now (on demand; kept in its history with the scheduled and final ones).</summary>
    public async Task<OperationResult<ReportFiles>> ReportAsync(string campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        if (await Need(ledger).GetCampaignAsync(campaignId, cancellationToken) is null) return OperationResult<ReportFiles>.Missing();
        return OperationResult<ReportFiles>.Done(await Need(reports).WriteAsync(campaignId, ReportTrigger.OnDemand, cancellationToken));
    }

    private static OperationResult<T> Invalid<T>(IEnumerable<SpecError> errors) =>
        new(default, OperationFailure.Invalid, errors.Select(e => new OperationProblem(OperationField.File, e.ToString())).ToList());

    /// <summary>A failed result passed on as another operation's.</summary>
    private static OperationResult<TOut> Failed<TOut, TIn>(OperationResult<TIn> failed) => new(default, failed.Failure, failed.Problems, failed.Conflict);

    private static T Need<T>(T? port) where T : class =>
        port ?? throw new InvalidOperationException($"{nameof(CampaignLaunch)} needs {typeof(T).Name} for this operation, and this host has none.");

    /// <summary>A campaign file has a top-level <c>benchmark:</c> key; a benchmark file (or folder) does not.</summary>
    private static bool IsCampaignFile(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path))
            return false;
        var name = Path.GetFileName(path);
        if (name.Equals(BenchmarkLoader.FileName, StringComparison.OrdinalIgnoreCase) || name.Equals("benchmark.yml", StringComparison.OrdinalIgnoreCase))
            return false;
        return File.ReadLines(path).Any(line => CampaignKey().IsMatch(line));
    }

    [GeneratedRegex(@"^benchmark\s*:")]
    private static partial Regex CampaignKey();
}

/// <summary>A campaign started or resumed on this process: its id, whether an earlier run of it was picked up, its status then.</summary>
public sealed record LaunchReply(string CampaignId, bool Resumed, CampaignStatus Status);

/// <summary><c>validate</c>'s baseline run: the benchmark and the sandbox's result.</summary>
public sealed record BaselineCheck(BenchmarkSpec Benchmark, SandboxResult Result)
{
    /// <summary>The run succeeded with an objective.</summary>
    public bool Passed => Result.Status == ExperimentStatus.Succeeded && Result.Objective is not null;

    public TimeSpan Wall => Result.EndedAt - Result.StartedAt;

    /// <summary>The CPU time charged for it: wall time × the benchmark's CPUs.</summary>
    public double CpuSeconds => Wall.TotalSeconds * Benchmark.Resources.Cpus;
}
