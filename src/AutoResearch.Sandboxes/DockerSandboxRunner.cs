using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Runs each experiment in its own locked-down Docker container (no network, read-only root, non-root, no capabilities,
/// memory/CPU/PID limits), streams its METRIC lines, enforces the wall-clock limit, and always removes the container.
/// Experiment-level failures come back as <see cref="ExperimentStatus.Failed"/> results; only cancellation throws.
/// </summary>
public sealed partial class DockerSandboxRunner : ISandboxRunner, IDisposable
{
    private readonly SandboxOptions _options;
    private readonly ILogger<DockerSandboxRunner> _logger;
    private readonly DockerConnection _connection;
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _docker;
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _activeVolumes = new(StringComparer.Ordinal);
    private readonly CampaignArtifactUsage _campaignArtifacts = new();
    private long? _hostCpus;

    /// <summary>For tests: raised when the time limit's kill is sent, with the experiment id and how long after the deadline.</summary>
    internal event Action<string, TimeSpan>? DeadlineKillSent;
    private readonly int _uid;
    private readonly int _gid;

    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DockerSandboxRunner(IOptions<SandboxOptions> options, ILogger<DockerSandboxRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new SandboxOptionsValidator().Validate(Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SandboxOptions), validation.Failures);
        }

        _logger = logger ?? NullLogger<DockerSandboxRunner>.Instance;
        (_uid, _gid) = _options.ParseUser();
        _connection = DockerConnection.Resolve(_options);
        _configuration = _connection.CreateConfiguration();
        _docker = _configuration.CreateClient();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Returns <see cref="FailureKind.Rejected"/> for requests that cannot run (bad parameter values, unsafe paths),
    /// <see cref="FailureKind.SandboxError"/> for Docker trouble; throws <see cref="OperationCanceledException"/> (after killing
    /// and removing the container) when <paramref name="cancellationToken"/> fires, and lets exceptions of <paramref name="onStarted"/> through.
    /// </remarks>
    public async Task<SandboxResult> RunAsync(
        SandboxRequest request,
        Func<string, Task>? onStarted,
        Action<MetricPoint>? onMetric,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var run = new SandboxRun(request, _options.OutputCapBytes, onMetric, _logger);
        var benchmark = request.Benchmark;

        CreateContainerParameters create;
        byte[] paramsJson;
        var containerName = ContainerParametersBuilder.ContainerName(request);
        try
        {
            create = ContainerParametersBuilder.Build(request, _options, containerName, WorkVolume.NameFor(containerName));
            paramsJson = ParameterEncoding.ToJsonUtf8(benchmark.RunParameters(), request.Parameters);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            _logger.LogWarning("Experiment {ExperimentId} rejected: {Reason}", request.ExperimentId, ex.Message);
            return run.Fail(FailureKind.Rejected, $"invalid request: {ex.Message}");
        }

        await using var workspace = TempFile("workspace");
        try
        {
            WorkspaceArchive.Write(workspace, request, paramsJson, _uid, _gid);
            workspace.Position = 0;
        }
        catch (ArgumentException ex)
        {
            _logger.LogWarning("Experiment {ExperimentId} rejected: {Reason}", request.ExperimentId, ex.Message);
            return run.Fail(FailureKind.Rejected, $"invalid workspace: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Cannot read the files of benchmark {Benchmark} for experiment {ExperimentId}", benchmark.Name, request.ExperimentId);
            return run.Fail(FailureKind.SandboxError, $"cannot read the benchmark files: {ex.Message}");
        }

        string? containerId = null;
        WorkVolume? volume = null;
        MultiplexedStream? output = null;
        OutputPump? pump = null;
        using var guard = new TimeLimitGuard(_options.LimitGrace);
        try
        {
            try
            {
                volume = await WorkVolume.CreateAsync(_docker, request, _options, _uid, _gid, containerName, cancellationToken);
                _activeVolumes.TryAdd(volume.Name, 0);
                _active.TryAdd(volume.KeeperId, 0);
                containerId = (await _docker.Containers.CreateContainerAsync(create, cancellationToken)).ID;
            }
            catch (DockerImageNotFoundException ex)
            {
                _logger.LogError("Image {Image} for experiment {ExperimentId} is not on the Docker host", benchmark.Image, request.ExperimentId);
                return run.Fail(FailureKind.SandboxError, $"image '{benchmark.Image}' is not on the Docker host (the runner never pulls): {DockerMessage(ex)}");
            }

            _active.TryAdd(containerId, 0);
            run.ContainerId = containerId;
            _logger.LogInformation(
                "Created sandbox {ContainerId} for experiment {ExperimentId} of campaign {CampaignId} from {Image}",
                containerId, request.ExperimentId, request.CampaignId, benchmark.Image);

            if (onStarted is not null)
            {
                await onStarted(containerId);
            }

            // The keeper holds the work volume mounted from here on: without it the copied files would vanish at the start.
            await volume.Started;
            await _docker.Containers.ExtractArchiveToContainerAsync(
                containerId, new ContainerPathStatParameters { Path = create.WorkingDir, AllowOverwriteDirWithFile = false }, workspace, cancellationToken);

            // Attach before start so no output is lost.
            output = await _docker.Containers.AttachContainerAsync(
                containerId, false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken);
            pump = OutputPump.Start(output, run.Output, _logger, request.ExperimentId);

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, run.StopRequested, guard.Expired);
            await _docker.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
            run.MarkStarted();
            var startedId = containerId;
            guard.Arm(run.StartedAt, benchmark.TimeLimit, () =>
            {
                DeadlineKillSent?.Invoke(request.ExperimentId, DateTimeOffset.UtcNow - guard.Deadline);
                return KillPromptlyAsync(startedId);
            });

            var timedOut = false;
            var pruned = false;
            try
            {
                await _docker.Containers.WaitContainerAsync(containerId, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (run.StopReason is { } stopReason && !guard.HasExpired)
                {
                    _logger.LogInformation("Stopping experiment {ExperimentId} early: {Reason}; killing {ContainerId}", request.ExperimentId, stopReason, containerId);
                    // A run that exited on its own before the kill landed keeps the outcome it finished with.
                    pruned = await KillAsync(containerId) != KillOutcome.NotRunning;
                    if (!pruned)
                    {
                        _logger.LogInformation("Experiment {ExperimentId} had already finished when it was to be stopped early", request.ExperimentId);
                    }
                }
                else
                {
                    timedOut = true;
                    _logger.LogInformation(
                        "Experiment {ExperimentId} ran past its time limit of {TimeLimit}; killing {ContainerId}",
                        request.ExperimentId, benchmark.TimeLimit, containerId);
                    // The guard's timer started the kill at the deadline; this only waits for its answer.
                    var killed = await (guard.Kill ?? KillAsync(containerId));
                    _logger.LogDebug("Kill of {ContainerId} answered {Outcome} {Late} after the deadline", containerId, killed, DateTimeOffset.UtcNow - guard.Deadline);
                }

                await WaitExitedAsync(containerId);
            }

            run.MarkEnded();
            _logger.LogDebug("Sandbox {ContainerId} exited", containerId);
            await DrainBoundedAsync(pump, guard, run);
            run.CloseEarlyStop();
            _logger.LogDebug("Output of {ContainerId} drained", containerId);

            var inspect = await _docker.Containers.InspectContainerAsync(containerId, cancellationToken);
            run.ImageId = inspect.Image;
            run.ExitCode = inspect.State?.ExitCode;

            await CopyOutAsync(containerId, run, create.WorkingDir, guard, cancellationToken);

            _logger.LogDebug("Copy-out of {ContainerId} done", containerId);
            var result = pruned ? run.Pruned(run.StopReason!)
                : benchmark.Scorer is not null && !timedOut && inspect.State?.ExitCode == 0
                    ? await ScoreAsync(run, containerId, create.WorkingDir, cancellationToken)
                    : Classify(run, inspect.State, timedOut);
            _logger.LogInformation(
                "Experiment {ExperimentId} finished: {Status} {Failure} exit code {ExitCode} objective {Objective} in {Elapsed}",
                request.ExperimentId, result.Status, result.Failure, result.ExitCode, result.Objective, result.EndedAt - result.StartedAt);
            return result;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogInformation("Experiment {ExperimentId} cancelled; killing and removing {ContainerId}", request.ExperimentId, containerId);
            if (containerId is not null)
            {
                await KillAsync(containerId);
            }

            throw new OperationCanceledException("The sandbox run was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (IsDockerFailure(ex))
        {
            _logger.LogError(ex, "Docker failed while running experiment {ExperimentId} in {ContainerId}", request.ExperimentId, containerId);
            var message = ex is DockerApiException api ? DockerMessage(api) : _connection.Describe(ex);
            return run.Fail(FailureKind.SandboxError, $"Docker error: {message}");
        }
        finally
        {
            if (pump is not null)
            {
                await pump.StopAsync();
            }

            output?.Dispose();
            await RemoveAllAsync(containerId, volume);
        }
    }

    /// <inheritdoc />
    /// <remarks>Only containers labelled with this installation's owner are touched, and never one of this runner's runs in progress.</remarks>
    public async Task<IReadOnlyList<string>> ReapAsync(CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{Names.OwnerLabel}={_options.Owner}"] = true },
        };
        var containers = await _docker.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = filters }, cancellationToken);

        var experiments = new List<string>();
        foreach (var container in containers)
        {
            // Belt and braces: only ever touch this owner's containers, and never a run in progress here.
            if (container.Labels is null
                || !container.Labels.TryGetValue(Names.OwnerLabel, out var owner)
                || !string.Equals(owner, _options.Owner, StringComparison.Ordinal)
                || _active.ContainsKey(container.ID))
            {
                continue;
            }

            try
            {
                await _docker.Containers.RemoveContainerAsync(
                    container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                // Gone already.
            }
            catch (DockerApiException ex)
            {
                _logger.LogWarning("Could not reap sandbox {ContainerId}: {Reason}", container.ID, DockerMessage(ex));
                continue;
            }

            container.Labels.TryGetValue(Names.ExperimentLabel, out var experiment);
            _logger.LogInformation("Reaped leftover sandbox {ContainerId} ({State}) of experiment {ExperimentId}", container.ID, container.State, experiment);
            if (!string.IsNullOrEmpty(experiment) && !experiments.Contains(experiment, StringComparer.Ordinal))
            {
                experiments.Add(experiment);
            }
        }

        await ReapVolumesAsync(cancellationToken);
        return experiments;
    }

    /// <summary>Removes this owner's leftover work volumes (their containers were just reaped); never one of a run in progress here.</summary>
    private async Task ReapVolumesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = await WorkVolume.ReapAsync(_docker, _options.Owner, _activeVolumes.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken);
            if (removed > 0)
            {
                _logger.LogInformation("Reaped {Count} leftover work volumes", removed);
            }
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException)
        {
            _logger.LogWarning("Could not list leftover work volumes: {Reason}", ex.Message);
        }
    }

    public void Dispose()
    {
        _docker.Dispose();
        _configuration.Dispose();
    }

    private static SandboxResult Classify(SandboxRun run, ContainerState? state, bool timedOut)
    {
        var benchmark = run.Request.Benchmark;
        var exitCode = state?.ExitCode ?? -1;
        if (timedOut)
        {
            var elapsed = ((run.EndedAt ?? DateTimeOffset.UtcNow) - run.StartedAt).TotalSeconds;
            return run.Fail(
                FailureKind.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"exceeded the time limit of {benchmark.TimeLimit} and was killed after {elapsed:0.0} s: {run.OutputEnd()}"));
        }

        if (state?.OOMKilled == true && exitCode != 0)
        {
            return run.Fail(
                FailureKind.OutOfMemory,
                $"killed for exceeding the memory limit of {benchmark.Resources.MemoryMb} MiB (exit code {exitCode}): {run.OutputEnd()}");
        }

        if (exitCode != 0)
        {
            return run.Fail(FailureKind.Crash, $"exit code {exitCode}: {run.OutputEnd()}");
        }

        var metric = benchmark.Metric.Name;
        var reading = run.Objective();
        if (reading.Problem is { } problem)
        {
            return run.Fail(FailureKind.NoMetric, $"{problem}: {run.OutputEnd()}");
        }

        if (reading.Value is { } objective)
        {
            return run.Succeed(objective);
        }

        var notes = run.NotesText();
        var reason = $"exited 0 but reported no value for the objective '{metric}' "
            + $"(print 'METRIC {metric}=<number>' or write {{\"metrics\": {{\"{metric}\": <number>}}}} to {ContainerParametersBuilder.ResultFileName})"
            + (notes.Length > 0 ? $"; {notes}" : "")
            + $": {run.OutputEnd()}";
        return run.Fail(FailureKind.NoMetric, reason);
    }

    private static bool IsDockerFailure(Exception ex) =>
        ex is DockerApiException or HttpRequestException or IOException or SocketException or TimeoutException or JsonException
        || DockerConnection.IsTlsFailure(ex);

    private static string DockerMessage(DockerApiException ex)
    {
        try
        {
            using var body = JsonDocument.Parse(ex.ResponseBody ?? "");
            if (body.RootElement.TryGetProperty("message", out var message) && message.GetString() is { } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(ex.ResponseBody) ? $"status {(int)ex.StatusCode}" : ex.ResponseBody.Trim();
    }

    private static FileStream TempFile(string purpose) => new(
        Path.Combine(Path.GetTempPath(), $"autoresearch-{purpose}-{Guid.NewGuid():N}.tar"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <returns>Whether it stopped at <paramref name="limit"/> (more may have followed).</returns>
    private static async Task<bool> CopyAtMostAsync(Stream source, Stream destination, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while (total < limit && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
            }

            return total >= limit;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReadResultFileAsync(string containerId, SandboxRun run, string workDir, CancellationToken cancellationToken)
    {
        GetArchiveFromContainerResponse archive;
        try
        {
            archive = await _docker.Containers.GetArchiveFromContainerAsync(
                containerId, new GetArchiveFromContainerParameters { Path = $"{workDir}/{ContainerParametersBuilder.ResultFileName}" }, false, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        using var buffered = new MemoryStream();
        ResultFileContent content;
        try
        {
            using (archive.Stream)
            {
                await CopyAtMostAsync(archive.Stream, buffered, ResultFile.MaxBytes + (64 * 1024), cancellationToken);
            }

            buffered.Position = 0;
            content = await ResultFile.ReadAsync(buffered, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException)
        {
            run.Note($"{ContainerParametersBuilder.ResultFileName} could not be read: {ex.Message}");
            return;
        }

        if (run.UntrustedOutput)
        {
            run.Note($"{ContainerParametersBuilder.ResultFileName} of the run under test is not read: the trusted scorer gives the objective");
            return;
        }

        foreach (var point in content.Metrics)
        {
            run.AddResultFileMetric(point);
        }

        foreach (var problem in content.Problems)
        {
            run.Note(problem);
        }
    }

    private async Task CopyArtifactsAsync(
        string containerId, SandboxRun run, string workDir, string destination, ArtifactCopyOutcome copied, CancellationToken cancellationToken)
    {
        try
        {
            var archive = await _docker.Containers.GetArchiveFromContainerAsync(
                containerId, new GetArchiveFromContainerParameters { Path = $"{workDir}/{ContainerParametersBuilder.OutputDirName}" }, false, cancellationToken);
            var budget = new ArtifactBudget(
                _options.MaxArtifactFiles, _options.MaxArtifactBytes, _campaignArtifacts.For(run.Request.CampaignId),
                _options.MaxCampaignArtifactFiles, _options.MaxCampaignArtifactBytes);
            // Through a pipe, not straight off Docker.DotNet's chunked response stream (reading tar entries from it threw
            // EndOfStreamException), and not spooled whole first: files are written as they arrive, so a copy cut by the clock
            // keeps what it got. Past the byte budget (plus tar overhead) the rest is not fetched.
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 * 1024 * 1024, resumeWriterThreshold: 4 * 1024 * 1024));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var fetch = FetchAsync(archive.Stream, pipe.Writer, _options.MaxArtifactBytes + (16 * 1024 * 1024), stop.Token);
            try
            {
                await using var tar = pipe.Reader.AsStream();
                await ArtifactExtractor.ExtractAsync(tar, destination, budget, copied, cancellationToken);
                // The archive may have looked complete only because the clock stopped its fetch.
                cancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                await stop.CancelAsync();
                if (await fetch && copied.Limit == ArtifactLimit.None)
                {
                    copied.Limit = ArtifactLimit.RunBytes;
                }
            }

            _logger.LogInformation(
                "Copied {Files} artifact files ({Bytes} bytes) of experiment {ExperimentId} to {Directory}",
                copied.Files, copied.Bytes, run.Request.ExperimentId, destination);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            run.Note($"no {ContainerParametersBuilder.OutputDirName}/ folder to copy");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            _logger.LogWarning(ex, "Could not copy the artifacts of experiment {ExperimentId} to {Directory}", run.Request.ExperimentId, destination);
            run.ArtifactsTruncated = true;
            run.NoteAlways($"artifacts not fully copied: {ex.Message}");
        }
    }

    /// <summary>
    /// Waits for the output to end, at most until the deadline plus the grace (and <see cref="SandboxOptions.OutputDrainTimeout"/>);
    /// what is left unread is dropped and noted.
    /// </summary>
    private async Task DrainBoundedAsync(OutputPump pump, TimeLimitGuard guard, SandboxRun run)
    {
        var budget = guard.Remaining(TimeSpan.FromMilliseconds(100), _options.OutputDrainTimeout);
        if (!await pump.DrainAsync(budget))
        {
            _logger.LogWarning("Output of experiment {ExperimentId} did not end {Timeout} after exit; closed it", run.Request.ExperimentId, budget);
            run.Note(string.Create(
                CultureInfo.InvariantCulture,
                $"output still coming {budget.TotalSeconds:0.0} s after the run ended was not read ({pump.DroppedBytes} bytes queued were dropped)"));
        }
    }

    /// <summary>
    /// Reads <c>result.json</c> and copies <c>out/</c> within the time limit plus <see cref="SandboxOptions.LimitGrace"/> (at least
    /// 100 ms for the result file); a copy cut by the clock or a cap is recorded on the result (<see cref="SandboxResult.ArtifactsTruncated"/> and a note).
    /// </summary>
    private async Task CopyOutAsync(string containerId, SandboxRun run, string workDir, TimeLimitGuard guard, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(guard.Remaining(TimeSpan.FromMilliseconds(100), ContainerParametersBuilder.MaxTimeLimit));
        try
        {
            await ReadResultFileAsync(containerId, run, workDir, budget.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.NoteAlways($"{ContainerParametersBuilder.ResultFileName} was not read: the time limit plus {_options.LimitGrace.TotalSeconds:0.###} s grace ran out");
        }

        if (run.Request.ArtifactsDirectory is not { } destination)
        {
            return;
        }

        var copied = new ArtifactCopyOutcome();
        try
        {
            budget.Token.ThrowIfCancellationRequested();
            await CopyArtifactsAsync(containerId, run, workDir, destination, copied, budget.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            copied.Limit = ArtifactLimit.TimeLimit;
            _logger.LogWarning(
                "Artifact copy of experiment {ExperimentId} cut at the time limit plus grace after {Files} files ({Bytes} bytes)",
                run.Request.ExperimentId, copied.Files, copied.Bytes);
        }

        foreach (var skipped in copied.Skipped)
        {
            run.Note($"artifact {skipped}");
        }

        if (copied.Truncated)
        {
            run.ArtifactsTruncated = true;
            var why = copied.Limit == ArtifactLimit.TimeLimit
                ? $"the copy ran out of time (time limit plus {_options.LimitGrace.TotalSeconds:0.###} s grace)"
                : new ArtifactBudget(_options.MaxArtifactFiles, _options.MaxArtifactBytes, null, _options.MaxCampaignArtifactFiles, _options.MaxCampaignArtifactBytes).Describe(copied.Limit);
            run.NoteAlways(string.Create(
                CultureInfo.InvariantCulture,
                $"artifacts truncated: {why}; {copied.Files} files ({copied.Bytes} bytes) copied, {copied.SkippedByLimit} files skipped for the limit"));
        }
    }

    /// <summary>Removes the run's container and its work volume's keeper together, then the volume; never throws.</summary>
    private async Task RemoveAllAsync(string? containerId, WorkVolume? volume)
    {
        var removeContainer = containerId is null ? Task.CompletedTask : RemoveAsync(containerId);
        if (volume is not null)
        {
            foreach (var problem in await volume.RemoveAsync(_docker, _options.CleanupTimeout, removeContainer))
            {
                _logger.LogWarning("Could not remove the work volume of a run; the reaper will: {Problem}", problem);
            }

            _activeVolumes.TryRemove(volume.Name, out _);
            _active.TryRemove(volume.KeeperId, out _);
        }
        else
        {
            await removeContainer;
        }

        if (containerId is not null)
        {
            _active.TryRemove(containerId, out _);
        }
    }

    /// <summary>
    /// The time limit's kill: SIGKILL, and at once the container's CPU cap lifted (all host CPUs, the highest CPU weight) so its
    /// dying processes are not throttled while they exit (a 128-process fork bomb capped at 1 CPU took the daemon 4-12 s to stop on a
    /// loaded 2-core host, about 1.2 s with the cap lifted). Nothing runs user code after the SIGKILL, so the CPU is only for dying.
    /// </summary>
    private async Task<KillOutcome> KillPromptlyAsync(string containerId)
    {
        var kill = KillAsync(containerId);
        try
        {
            using var timeout = new CancellationTokenSource(_options.CleanupTimeout);
            _hostCpus ??= (await _docker.System.GetSystemInfoAsync(timeout.Token)).NCPU;
            await _docker.Containers.UpdateContainerAsync(
                containerId, new ContainerUpdateParameters { NanoCPUs = Math.Max(1, _hostCpus.Value) * 1_000_000_000L, CPUShares = 262_144 }, timeout.Token);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Gone already, or the daemon is slow: the kill goes on regardless.
            _logger.LogDebug("Could not lift the CPU cap of {ContainerId} for its kill: {Reason}", containerId, ex.Message);
        }

        return await kill;
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes of <paramref name="source"/> into <paramref name="writer"/>, then completes it; never throws.</summary>
    /// <returns>Whether the byte limit cut the archive.</returns>
    private static async Task<bool> FetchAsync(Stream source, PipeWriter writer, long limit, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var cut = false;
        try
        {
            using (source)
            {
                await using var target = writer.AsStream(leaveOpen: true);
                cut = await CopyAtMostAsync(source, target, limit, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            failure = ex is OperationCanceledException ? null : ex;
        }

        await writer.CompleteAsync(failure);
        return cut;
    }

    /// <summary>Sends SIGKILL; never throws (removal with force follows anyway).</summary>
    private async Task<KillOutcome> KillAsync(string containerId)
    {
        using var timeout = new CancellationTokenSource(_options.CleanupTimeout);
        try
        {
            await _docker.Containers.KillContainerAsync(containerId, new ContainerKillParameters { Signal = "SIGKILL" }, timeout.Token);
            return KillOutcome.Killed;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // 409: the container is not running any more; it exited on its own.
            _logger.LogDebug("Kill of {ContainerId}: not running: {Reason}", containerId, DockerMessage(ex));
            return KillOutcome.NotRunning;
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Gone (404), or the daemon is slow.
            _logger.LogDebug("Kill of {ContainerId}: {Reason}", containerId, ex.Message);
            return KillOutcome.Unknown;
        }
    }

    private async Task WaitExitedAsync(string containerId)
    {
        using var timeout = new CancellationTokenSource(_options.CleanupTimeout);
        try
        {
            await _docker.Containers.WaitContainerAsync(containerId, timeout.Token);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            _logger.LogWarning("Sandbox {ContainerId} did not report its exit after the kill: {Reason}", containerId, ex.Message);
        }
    }

    private async Task RemoveAsync(string containerId)
    {
        using var timeout = new CancellationTokenSource(_options.CleanupTimeout);
        try
        {
            await _docker.Containers.RemoveContainerAsync(
                containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token);
            _logger.LogDebug("Removed sandbox {ContainerId}", containerId);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone.
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            _logger.LogWarning("Could not remove sandbox {ContainerId}; the reaper will: {Reason}", containerId, ex.Message);
        }
    }
}
