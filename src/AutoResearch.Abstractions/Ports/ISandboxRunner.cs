using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Runs one experiment in an isolated sandbox and reports what came out. Never throws for experiment failures.</summary>
public interface ISandboxRunner
{
    /// <param name="onStarted">Called with the container id once the sandbox exists, before it starts.</param>
    /// <param name="onMetric">Called for each metric point as the run reports it.</param>
    Task<SandboxResult> RunAsync(
        SandboxRequest request,
        Func<string, Task>? onStarted,
        Action<MetricPoint>? onMetric,
        CancellationToken cancellationToken);

    /// <summary>
    /// The result of an earlier attempt of <paramref name="request"/>'s experiment whose sandbox <paramref name="containerId"/> ran to
    /// its end while nobody watched it (its host died): the run exited cleanly within its time limit and its outcome can be read
    /// back (scored by the benchmark's trusted scorer when it has one). Null when there is none to collect (gone, still running,
    /// failed, cut short, or its outcome was only on stdout, which is not kept): the experiment is run again. Either way the
    /// earlier sandbox is removed. Runners that cannot collect return null.
    /// </summary>
    Task<SandboxResult?> CollectAsync(SandboxRequest request, string containerId, CancellationToken cancellationToken) =>
        Task.FromResult<SandboxResult?>(null);

    /// <summary>Removes sandboxes this installation left behind (e.g. after a crash). Returns the experiment ids they ran.</summary>
    Task<IReadOnlyList<string>> ReapAsync(CancellationToken cancellationToken);
}
