using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace AutoResearch.Sandboxes;

/// <summary>
/// The size-capped work directory of one run: a Docker <c>local</c> volume of type tmpfs with <c>size=</c> (resources.disk),
/// owned by the sandbox user. Writing past the size fails inside the run with ENOSPC; nothing reaches the host disk.
/// </summary>
/// <remarks>
/// A tmpfs volume lives only while some container has it mounted, and the runner copies the workspace in before the run starts
/// and copies <c>result.json</c> and <c>out/</c> after it exited. So a tiny "keeper" container (same image, no network, read-only,
/// no capabilities, 64 MiB, 4 pids, running <see cref="SandboxOptions.DiskKeeperCommand"/>) holds the volume mounted from before
/// the copy-in until after the copy-out; both are removed with the run. The tmpfs pages are memory: they count against the
/// memory limit of the run that writes them (and the host's RAM), as <c>/tmp</c> does.
/// </remarks>
internal sealed class WorkVolume
{
    /// <summary>Label marking the keeper container (value <see cref="KeeperRole"/>).</summary>
    public const string RoleLabel = "autoresearch.role";

    public const string KeeperRole = "work-volume-keeper";

    private const string KeeperMountPath = "/keep";

    private WorkVolume(string name, string keeperId, Task started)
    {
        Name = name;
        KeeperId = keeperId;
        Started = started;
    }

    /// <summary>Completes when the keeper runs (the volume is mounted for good); the workspace may be copied in after it.</summary>
    public Task Started { get; }

    /// <summary>The volume's name (mounted at the work directory of the run).</summary>
    public string Name { get; }

    /// <summary>The keeper container holding the volume mounted.</summary>
    public string KeeperId { get; }

    /// <summary>The volume's create parameters: tmpfs of <c>resources.disk</c> MiB, owned by <paramref name="uid"/>:<paramref name="gid"/>.</summary>
    public static VolumesCreateParameters VolumeParameters(string name, SandboxRequest request, SandboxOptions options, int uid, int gid)
    {
        var disk = request.Benchmark.Resources.DiskMb;
        if (disk <= 0)
        {
            throw new ArgumentException($"Benchmark '{request.Benchmark.Name}' disk size must be greater than 0 MiB, not {disk}.", nameof(request));
        }

        var o = string.Create(CultureInfo.InvariantCulture, $"size={disk}m,uid={uid},gid={gid},mode=0755,nosuid,nodev");
        return new VolumesCreateParameters
        {
            Name = name,
            Driver = "local",
            DriverOpts = new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = o },
            Labels = Labels(request, options),
        };
    }

    /// <summary>The keeper's create parameters: as locked down as the run, and smaller; creating it creates the volume.</summary>
    public static CreateContainerParameters KeeperParameters(
        string name, string volume, SandboxRequest request, SandboxOptions options, VolumesCreateParameters? create = null)
    {
        var labels = Labels(request, options);
        labels[RoleLabel] = KeeperRole;
        return new CreateContainerParameters
        {
            Name = name,
            Image = request.Benchmark.Image,
            Entrypoint = options.DiskKeeperArgv().ToList(),
            Cmd = null,
            User = options.User,
            Labels = labels,
            NetworkDisabled = true,
            AttachStdin = false,
            AttachStdout = false,
            AttachStderr = false,
            Tty = false,
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                ReadonlyRootfs = true,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                // Not 16 MiB: runc's init process is charged to this cgroup while the keeper starts, and at 16 MiB it was now and
                // then killed before `sleep` ran ("container process is already dead"), failing the run with a Docker error.
                // The tmpfs pages are charged to the run that writes them, not to the keeper.
                Memory = KeeperMemoryBytes,
                MemorySwap = KeeperMemoryBytes,
                NanoCPUs = 250_000_000,
                PidsLimit = 4,
                LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                Mounts =
                [
                    new Mount
                    {
                        Type = "volume",
                        Source = volume,
                        Target = KeeperMountPath,
                        ReadOnly = true,
                        // Creates the volume with the keeper (one call less than creating it first).
                        VolumeOptions = create is null ? null : new VolumeOptions
                        {
                            Labels = create.Labels,
                            DriverConfig = new Driver { Name = create.Driver, Options = create.DriverOpts },
                        },
                    },
                ],
            },
        };
    }

    /// <summary>
    /// Creates the keeper, and with it the volume, and starts the keeper (<see cref="Started"/>: the run's container can be created
    /// meanwhile); on a failure to create, removes what it made and throws. The caller removes it (<see cref="RemoveAsync"/>) in any case.
    /// </summary>
    /// <exception cref="DockerApiException">Docker refused (e.g. the image is missing).</exception>
    public static async Task<WorkVolume> CreateAsync(
        IDockerClient docker, SandboxRequest request, SandboxOptions options, int uid, int gid, string baseName, CancellationToken cancellationToken)
    {
        var name = NameFor(baseName);
        string keeper;
        try
        {
            var parameters = KeeperParameters(baseName + "-keep", name, request, options, VolumeParameters(name, request, options, uid, gid));
            keeper = (await docker.Containers.CreateContainerAsync(parameters, cancellationToken)).ID;
        }
        catch
        {
            await new WorkVolume(name, "", Task.CompletedTask).RemoveAsync(docker, options.CleanupTimeout);
            throw;
        }

        return new WorkVolume(name, keeper, StartKeeperAsync(docker, keeper, cancellationToken));
    }

    /// <summary>Memory limit of the keeper container.</summary>
    public const long KeeperMemoryBytes = 64L * 1024 * 1024;

    /// <summary>Starts the keeper; a start the daemon answers with an error (a busy host) is tried twice more before the run fails.</summary>
    private static async Task StartKeeperAsync(IDockerClient docker, string keeper, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await docker.Containers.StartContainerAsync(keeper, new ContainerStartParameters(), cancellationToken);
                return;
            }
            catch (DockerApiException) when (attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>The volume's name for a run whose container is called <paramref name="containerName"/>.</summary>
    public static string NameFor(string containerName) => containerName + "-work";

    /// <summary>
    /// Removes the keeper (while <paramref name="othersGone"/>, the run's own container removal, goes on), then the volume, whose
    /// tmpfs is freed at once; never throws.
    /// </summary>
    /// <returns>Problems met, for the log; empty when all went.</returns>
    public async Task<IReadOnlyList<string>> RemoveAsync(IDockerClient docker, TimeSpan timeout, Task? othersGone = null)
    {
        var problems = new List<string>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Started;
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Reported where it was awaited first; removal goes on.
        }

        if (KeeperId.Length > 0)
        {
            try
            {
                await docker.Containers.RemoveContainerAsync(KeeperId, new ContainerRemoveParameters { Force = true }, cts.Token);
            }
            catch (DockerContainerNotFoundException)
            {
            }
            catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
            {
                problems.Add($"keeper {KeeperId}: {ex.Message}");
            }
        }

        if (othersGone is not null)
        {
            await othersGone;
        }

        try
        {
            await docker.Volumes.RemoveAsync(Name, force: true, cts.Token);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            problems.Add($"volume {Name}: {ex.Message}");
        }

        return problems;
    }

    /// <summary>Removes this owner's leftover work volumes (after their containers were reaped), except those in <paramref name="inUse"/>.</summary>
    public static async Task<int> ReapAsync(IDockerClient docker, string owner, ICollection<string> inUse, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{Names.OwnerLabel}={owner}"] = true },
        };
        var list = await docker.Volumes.ListAsync(new VolumesListParameters { Filters = filters }, cancellationToken);
        var removed = 0;
        foreach (var volume in list.Volumes ?? [])
        {
            if (volume.Labels is null || !volume.Labels.TryGetValue(Names.OwnerLabel, out var label) || label != owner || inUse.Contains(volume.Name))
            {
                continue;
            }

            try
            {
                await docker.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken);
                removed++;
            }
            catch (DockerApiException)
            {
                // In use by a container of another runner with the same owner, or gone: left for a later pass.
            }
        }

        return removed;
    }

    private static Dictionary<string, string> Labels(SandboxRequest request, SandboxOptions options)
    {
        var labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal)
        {
            [Names.CampaignLabel] = request.CampaignId,
            [Names.ExperimentLabel] = request.ExperimentId,
            [Names.OwnerLabel] = options.Owner,
        };
        if (options.Silo is { Length: > 0 } silo)
            labels[Names.SiloLabel] = silo;
        return labels;
    }
}
