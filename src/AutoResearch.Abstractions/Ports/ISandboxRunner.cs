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

    /// <summary>Removes sandboxes this installation left behind (e.g. after a crash). Returns the experiment ids they ran.</summary>
    Task<IReadOnlyList<string>> ReapAsync(CancellationToken cancellationToken);
}
