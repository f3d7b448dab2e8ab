using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Sandboxes;

/// <summary>Collecting the outcome of a sandbox that ran to its end after the silo watching it died (issue 16 item 4).</summary>
public sealed partial class DockerSandboxRunner
{
    /// <inheritdoc />
    /// <remarks>
    /// The sandbox's stdout is not kept (its log driver is <c>none</c>), so what can be collected is what stays in its work
    /// volume, which its keeper holds mounted: <c>result.json</c> and <c>out/</c>. A benchmark with a trusted scorer is scored from
    /// <c>out/</c> as after any run (the run's own claims are never the objective); one without a scorer is collected only when
    /// <c>result.json</c> gives the objective. The run must have exited with code 0, not killed for memory, within its time limit.
    /// </remarks>
    public async Task<SandboxResult?> CollectAsync(SandboxRequest request, string containerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        if (_active.ContainsKey(containerId))
        {
            return null; // a run in progress here is no leftover
        }

        ContainerInspectResponse inspect;
        try
        {
            inspect = await _docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null; // reaped, or on another Docker host
        }
        catch (Exception ex) when (IsDockerFailure(ex))
        {
            _logger.LogWarning("Could not look at sandbox {ContainerId} of experiment {ExperimentId} to collect it: {Reason}", containerId, request.ExperimentId, ex.Message);
            return null;
        }

        var labels = inspect.Config?.Labels;
        if (labels is null
            || !labels.TryGetValue(Names.ExperimentLabel, out var experiment) || !string.Equals(experiment, request.ExperimentId, StringComparison.Ordinal)
            || !labels.ContainsKey(Names.OwnerLabel) || labels.ContainsKey(WorkVolume.RoleLabel))
        {
            _logger.LogWarning("Container {ContainerId} is not a sandbox of experiment {ExperimentId}; not collected, not touched", containerId, request.ExperimentId);
            return null;
        }

        SandboxResult? result = null;
        var why = WhyNotCollectable(request, inspect.State);
        if (why is null)
        {
            try
            {
                result = await ReadOutcomeAsync(request, containerId, inspect, cancellationToken);
                if (result is null) why = "its objective was only on stdout, which is not kept";
            }
            catch (Exception ex) when (IsDockerFailure(ex))
            {
                why = "Docker failed while reading it: " + (ex is DockerApiException api ? DockerMessage(api) : _connection.Describe(ex));
            }
        }

        await RemoveLeftoverAsync(inspect, request.ExperimentId);
        if (result is not null)
            _logger.LogInformation("Collected experiment {ExperimentId} from sandbox {ContainerId}, which finished after its silo died: {Status} objective {Objective}",
                request.ExperimentId, containerId, result.Status, result.Objective);
        else
            _logger.LogInformation("Sandbox {ContainerId} of experiment {ExperimentId} is not collected ({Why}); it is run again", containerId, request.ExperimentId, why);
        return result;
    }

    /// <summary>Why the run in this state has no complete outcome; null when it has one.</summary>
    private static string? WhyNotCollectable(SandboxRequest request, ContainerState? state)
    {
        if (state is null) return "Docker gave no state";
        if (state.Running || state.Restarting || state.Paused) return "it is still running";
        if (!string.Equals(state.Status, "exited", StringComparison.Ordinal)) return $"it is {state.Status}, not exited";
        if (state.OOMKilled) return "it was killed for memory";
        if (state.ExitCode != 0) return string.Create(CultureInfo.InvariantCulture, $"it exited with code {state.ExitCode}");
        if (Times(state) is not var (started, ended)) return "Docker gave no start and end times";
        if (ended - started > request.Benchmark.TimeLimit) return $"it ran past its time limit of {request.Benchmark.TimeLimit}";
        return null;
    }

    /// <summary>When Docker says the run started and ended (a run of a few milliseconds may be stamped as ending before it started).</summary>
    private static (DateTimeOffset Started, DateTimeOffset Ended)? Times(ContainerState state) =>
        DateTimeOffset.TryParse(state.StartedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started)
        && DateTimeOffset.TryParse(state.FinishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ended)
        && started.Year > 1 && ended.Year > 1
            ? (started, ended < started ? started : ended)
            : null;

    /// <summary>The outcome left in the work volume: scored by the trusted scorer, or <c>result.json</c>'s objective; null when neither applies.</summary>
    private async Task<SandboxResult?> ReadOutcomeAsync(SandboxRequest request, string containerId, ContainerInspectResponse inspect, CancellationToken cancellationToken)
    {
        var run = new SandboxRun(request, _options.OutputCapBytes, onMetric: null, _logger)
        {
            ContainerId = containerId,
            ImageId = inspect.Image,
            ExitCode = inspect.State.ExitCode,
        };
        var (started, ended) = Times(inspect.State)!.Value;
        run.MarkTimes(started, ended);
        run.CloseEarlyStop();
        run.NoteAlways("collected after the silo that ran it died: its stdout was not kept");
        var workDir = inspect.Config.WorkingDir;
        using var guard = new TimeLimitGuard(_options.LimitGrace);
        await CopyOutAsync(containerId, run, workDir, guard, cancellationToken);
        if (request.Benchmark.Scorer is not null)
        {
            return await ScoreAsync(run, containerId, workDir, cancellationToken);
        }

        return run.Objective().Value is null ? null : Classify(run, inspect.State, timedOut: false);
    }

    /// <summary>Removes the collected (or not collectable) sandbox, its work volume's keeper and the volume; never throws.</summary>
    private async Task RemoveLeftoverAsync(ContainerInspectResponse inspect, string experimentId)
    {
        try
        {
            var keepers = await _docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{Names.ExperimentLabel}={experimentId}"] = true, [$"{WorkVolume.RoleLabel}={WorkVolume.KeeperRole}"] = true },
                },
            });
            foreach (var id in keepers.Where(k => !_active.ContainsKey(k.ID)).Select(k => k.ID).Prepend(inspect.ID))
            {
                try
                {
                    await _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
                }
                catch (DockerContainerNotFoundException)
                {
                    // removed already
                }
            }

            foreach (var volume in (inspect.Mounts ?? []).Where(m => m.Type == "volume" && !string.IsNullOrEmpty(m.Name) && !_activeVolumes.ContainsKey(m.Name)))
            {
                try
                {
                    await _docker.Volumes.RemoveAsync(volume.Name, force: true);
                }
                catch (DockerApiException)
                {
                    // gone, or still held: the reaper gets it
                }
            }
        }
        catch (Exception ex) when (IsDockerFailure(ex))
        {
            _logger.LogWarning("Could not remove the leftover sandbox {ContainerId} of experiment {ExperimentId}: {Reason}", inspect.ID, experimentId, ex.Message);
        }
    }
}
