using System.Globalization;
using System.Text;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using Docker.DotNet.Models;

namespace AutoResearch.Sandboxes;

/// <summary>Builds the locked-down <see cref="CreateContainerParameters"/> for one experiment (pure, unit-testable).</summary>
public static class ContainerParametersBuilder
{
    /// <summary>Environment variable naming the typed parameter file.</summary>
    public const string ParamsFileVariable = "AR_PARAMS_FILE";

    /// <summary>Environment variable carrying the run's seed.</summary>
    public const string SeedVariable = "AR_SEED";

    /// <summary>Environment variable naming the evaluation to score on: <c>tune</c> or <c>holdout</c>.</summary>
    public const string EvaluationVariable = "AR_EVAL";

    /// <summary>Environment variable naming the folder whose content is kept as artifacts.</summary>
    public const string OutputDirVariable = "AR_OUTPUT_DIR";

    /// <summary>Name of the parameter file in the work directory.</summary>
    public const string ParamsFileName = "params.json";

    /// <summary>Name of the optional result file in the work directory (<c>{"metrics": {...}}</c>).</summary>
    public const string ResultFileName = "result.json";

    /// <summary>Name of the artifacts folder in the work directory.</summary>
    public const string OutputDirName = "out";

    /// <summary>Longest wall-clock limit a run may have.</summary>
    public static readonly TimeSpan MaxTimeLimit = TimeSpan.FromDays(24);

    private const long MiB = 1024 * 1024;

    /// <summary>The create parameters: no network, read-only root, writable work volume, tmpfs /tmp, non-root, no capabilities, limits, labels, env, GPUs.</summary>
    /// <param name="name">Container name; null lets Docker choose.</param>
    /// <param name="workVolume">
    /// The size-capped volume (<see cref="WorkVolume"/>) mounted at the work directory; null for an anonymous volume on the host disk
    /// (unbounded: only for callers that build parameters without running them).
    /// </param>
    /// <exception cref="FormatException">A parameter value does not fit its type.</exception>
    /// <exception cref="ArgumentException">The request cannot be expressed (no command, clashing parameter names).</exception>
    public static CreateContainerParameters Build(SandboxRequest request, SandboxOptions options, string? name = null, string? workVolume = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var benchmark = request.Benchmark;
        if (benchmark.Command is not { Count: > 0 } || string.IsNullOrEmpty(benchmark.Command[0]))
        {
            throw new ArgumentException($"Benchmark '{benchmark.Name}' has no command.", nameof(request));
        }

        if (benchmark.TimeLimit <= TimeSpan.Zero || benchmark.TimeLimit > MaxTimeLimit)
        {
            throw new ArgumentException($"Benchmark '{benchmark.Name}' time limit {benchmark.TimeLimit} must be positive and at most {MaxTimeLimit.TotalDays} days.", nameof(request));
        }

        var resources = benchmark.Resources;
        if (resources.MemoryMb < 6 || resources.Cpus <= 0 || resources.Pids <= 0 || resources.TmpfsMb <= 0 || resources.DiskMb <= 0)
        {
            throw new ArgumentException($"Benchmark '{benchmark.Name}' resources are invalid (memory >= 6 MiB, cpus, pids, tmpfs and disk > 0).", nameof(request));
        }

        var workDir = options.WorkDir.TrimEnd('/');
        var memory = resources.MemoryMb * MiB;

        var env = new List<string>();
        env.AddRange(options.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        env.AddRange(ParameterEncoding.ToEnvironment(benchmark.RunParameters(), request.Parameters));
        env.Add($"{ParamsFileVariable}={workDir}/{ParamsFileName}");
        env.Add($"{SeedVariable}={request.Seed.ToString(CultureInfo.InvariantCulture)}");
        env.Add($"{OutputDirVariable}={workDir}/{OutputDirName}");
        env.Add($"{EvaluationVariable}={EvaluationValue(request.Split)}");

        var labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal)
        {
            [Names.CampaignLabel] = request.CampaignId,
            [Names.ExperimentLabel] = request.ExperimentId,
            [Names.OwnerLabel] = options.Owner,
        };
        if (options.Silo is { Length: > 0 } silo)
            labels[Names.SiloLabel] = silo;

        var host = new HostConfig
        {
            NetworkMode = "none",
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string>
            {
                ["/tmp"] = $"rw,exec,nosuid,nodev,mode=1777,size={resources.TmpfsMb.ToString(CultureInfo.InvariantCulture)}m",
            },
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            Privileged = false,
            Memory = memory,
            MemorySwap = memory,
            NanoCPUs = (long)Math.Round(resources.Cpus * 1e9),
            PidsLimit = resources.Pids,
            // The runner streams output itself (attach) and keeps a bounded head and tail; nothing is kept on the daemon's disk.
            LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
            RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
            AutoRemove = false,
        };

        if (workVolume is not null)
        {
            host.Mounts = [new Mount { Type = "volume", Source = workVolume, Target = workDir }];
        }

        if (request.GpuDeviceIds.Count > 0)
        {
            host.DeviceRequests =
            [
                new DeviceRequest
                {
                    Driver = "nvidia",
                    DeviceIDs = request.GpuDeviceIds.ToList(),
                    Capabilities = [new List<string> { "gpu" }],
                },
            ];
        }

        return new CreateContainerParameters
        {
            Name = name,
            Image = benchmark.Image,
            // The whole argv is the entrypoint so an image ENTRYPOINT/CMD never changes what runs.
            Entrypoint = benchmark.Command.ToList(),
            Cmd = null,
            WorkingDir = workDir,
            User = options.User,
            Env = env,
            Labels = labels,
            // An anonymous volume: writable on a read-only root, seeded from the image's folder, removed with the container (RemoveVolumes).
            Volumes = workVolume is null ? new Dictionary<string, EmptyStruct> { [workDir] = default } : null,
            NetworkDisabled = true,
            AttachStdin = false,
            AttachStdout = true,
            AttachStderr = true,
            OpenStdin = false,
            Tty = false,
            HostConfig = host,
        };
    }

    /// <summary>A Docker-safe, recognisable container name: <c>ar-&lt;campaign&gt;-&lt;experiment&gt;-&lt;random&gt;</c>.</summary>
    public static string ContainerName(SandboxRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var builder = new StringBuilder("ar-");
        Append(builder, request.CampaignId, 40);
        builder.Append('-');
        Append(builder, request.ExperimentId, 60);
        builder.Append('-').Append(Guid.NewGuid().ToString("N").AsSpan(0, 8));
        return builder.ToString();

        static void Append(StringBuilder builder, string text, int max)
        {
            foreach (var c in text.Take(max))
            {
                builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_');
            }
        }
    }

    /// <summary>The <c>AR_EVAL</c> value of a split: <c>tune</c> or <c>holdout</c>.</summary>
    public static string EvaluationValue(EvaluationSplit split) => split switch
    {
        EvaluationSplit.Tuning => "tune",
        EvaluationSplit.Holdout => "holdout",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown evaluation split"),
    };
}
