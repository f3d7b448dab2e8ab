using AutoResearch.Abstractions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Sandboxes;

/// <summary>Reaping the sandboxes of a silo the cluster declared dead (on this runner's Docker host).</summary>
public sealed partial class DockerSandboxRunner
{
    /// <summary>
    /// Removes the containers and work volumes on this runner's Docker host that carry <c>autoresearch.silo=<paramref name="silo"/></c>
    /// (and an <c>autoresearch.owner</c>: AutoResearch's own), never one of this runner's runs in progress. For a silo membership
    /// declared dead: its runs can no longer be collected by it, and its agents' experiments are re-run elsewhere.
    /// Idempotent; several survivors sharing the Docker host may call it at once.
    /// </summary>
    /// <returns>The experiment ids whose sandboxes were removed.</returns>
    public async Task<IReadOnlyList<string>> ReapSiloAsync(string silo, CancellationToken cancellationToken) =>
        (await ReapSiloAsync(silo, TimeSpan.Zero, cancellationToken)).Removed;

    /// <summary>
    /// As <see cref="ReapSiloAsync(string, CancellationToken)"/>, but a run that exited with code 0 less than
    /// <paramref name="keepFinishedFor"/> ago is kept, with its work volume and keeper, for a survivor to collect its outcome
    /// (<see cref="CollectAsync"/>) instead of running it again; call again later to remove what is kept once the time is up.
    /// </summary>
    /// <returns>The experiment ids whose sandboxes were removed, and how many finished runs were kept.</returns>
    public async Task<(IReadOnlyList<string> Removed, int Kept)> ReapSiloAsync(string silo, TimeSpan keepFinishedFor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        if (string.Equals(silo, _options.Silo, StringComparison.Ordinal))
            throw new ArgumentException($"silo {silo} is this runner's own silo; it reaps its leftovers with ReapAsync", nameof(silo));

        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{Names.SiloLabel}={silo}"] = true },
        };
        var containers = await _docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken);
        var kept = await FinishedRecentlyAsync(containers, keepFinishedFor, cancellationToken);
        var experiments = new List<string>();
        foreach (var container in containers)
        {
            if (container.Labels is null
                || (container.Labels.TryGetValue(Names.ExperimentLabel, out var keptExperiment) && kept.Contains(keptExperiment))
                || !container.Labels.TryGetValue(Names.SiloLabel, out var label) || !string.Equals(label, silo, StringComparison.Ordinal)
                || !container.Labels.ContainsKey(Names.OwnerLabel)
                || _active.ContainsKey(container.ID))
            {
                continue;
            }

            try
            {
                await _docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                continue; // another survivor was first
            }
            catch (DockerApiException ex)
            {
                _logger.LogWarning("Could not reap sandbox {ContainerId} of dead silo {Silo}: {Reason}", container.ID, silo, DockerMessage(ex));
                continue;
            }

            container.Labels.TryGetValue(Names.ExperimentLabel, out var experiment);
            _logger.LogInformation("Reaped sandbox {ContainerId} ({State}) of experiment {ExperimentId} of dead silo {Silo}", container.ID, container.State, experiment, silo);
            if (!string.IsNullOrEmpty(experiment) && !experiments.Contains(experiment, StringComparer.Ordinal))
                experiments.Add(experiment);
        }

        var volumes = await _docker.Volumes.ListAsync(new VolumesListParameters { Filters = filters }, cancellationToken);
        foreach (var volume in volumes.Volumes ?? [])
        {
            if (volume.Labels is null || !volume.Labels.TryGetValue(Names.SiloLabel, out var label) || label != silo
                || (volume.Labels.TryGetValue(Names.ExperimentLabel, out var keptExperiment) && kept.Contains(keptExperiment))
                || !volume.Labels.ContainsKey(Names.OwnerLabel) || _activeVolumes.ContainsKey(volume.Name))
            {
                continue;
            }

            try
            {
                await _docker.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken);
            }
            catch (DockerApiException)
            {
                // Gone, or still held by a container being removed: the restarted silo's own reaper gets it.
            }
        }

        return (experiments, kept.Count);
    }

    /// <summary>The experiments of <paramref name="containers"/> whose run (not keeper) exited with code 0 less than <paramref name="window"/> ago.</summary>
    private async Task<HashSet<string>> FinishedRecentlyAsync(IList<ContainerListResponse> containers, TimeSpan window, CancellationToken cancellationToken)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        if (window <= TimeSpan.Zero) return kept;
        foreach (var container in containers.Where(c => c.State == "exited" && c.Labels is not null && !c.Labels.ContainsKey(WorkVolume.RoleLabel)))
        {
            if (!container.Labels.TryGetValue(Names.ExperimentLabel, out var experiment) || string.IsNullOrEmpty(experiment)) continue;
            try
            {
                var state = (await _docker.Containers.InspectContainerAsync(container.ID, cancellationToken)).State;
                if (state is { ExitCode: 0, OOMKilled: false } && Times(state) is var (_, ended) && DateTimeOffset.UtcNow - ended < window)
                    kept.Add(experiment);
            }
            catch (DockerContainerNotFoundException)
            {
                // collected or reaped meanwhile
            }
        }
        return kept;
    }
}
