using System.Formats.Tar;
using System.Net;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Trusted scoring: after the run under test exited 0, a second, fresh sandbox (same locks, limits and environment builder)
/// holding only the scorer's files and the run's <c>out/</c> folder (read-only, at <c>/work/artifact</c>) computes the objective.
/// </summary>
public sealed partial class DockerSandboxRunner
{
    /// <summary>Folder (under the work directory) holding the training run's artifact inside the scorer's sandbox.</summary>
    public const string ScorerArtifactDirName = "artifact";

    /// <summary>Environment variable naming <see cref="ScorerArtifactDirName"/> inside the scorer's sandbox.</summary>
    public const string ScorerArtifactDirVariable = "AR_ARTIFACT_DIR";

    /// <summary>Most files and folders of the training artifact handed to the scorer.</summary>
    internal const int MaxScorerArtifactEntries = 10_000;

    private const UnixFileMode ReadOnlyDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode ReadOnlyFileMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The request the scorer's sandbox runs: the scorer's command, files, image and time limit; no edits, no early stopping, no artifacts copied.</summary>
    internal static SandboxRequest ScorerRequest(SandboxRequest training)
    {
        var benchmark = training.Benchmark;
        var scorer = benchmark.Scorer ?? throw new ArgumentException($"Benchmark '{benchmark.Name}' has no scorer.", nameof(training));
        return training with
        {
            Benchmark = benchmark with
            {
                Image = scorer.Image ?? benchmark.Image,
                Command = scorer.Command,
                Files = scorer.Files,
                Editable = [],
                TimeLimit = scorer.TimeLimit,
                EarlyStopping = new EarlyStoppingSpec(),
                Scorer = null,
            },
            EditedFiles = [],
            EarlyStop = null,
            ArtifactsDirectory = null,
        };
    }

    private async Task<SandboxResult> ScoreAsync(SandboxRun training, string trainingContainerId, string workDir, CancellationToken cancellationToken)
    {
        var request = ScorerRequest(training.Request);
        var scorer = new SandboxRun(request, _options.OutputCapBytes, null, _logger);
        var scored = await RunScorerAsync(scorer, trainingContainerId, workDir, cancellationToken);
        return training.WithScorer(scored, scorer);
    }

    private async Task<SandboxResult> RunScorerAsync(SandboxRun scorer, string trainingContainerId, string trainingWorkDir, CancellationToken cancellationToken)
    {
        var request = scorer.Request;
        CreateContainerParameters create;
        byte[] paramsJson;
        try
        {
            create = ContainerParametersBuilder.Build(request, _options, "ar-score-" + ContainerParametersBuilder.ContainerName(request)[3..]);
            paramsJson = ParameterEncoding.ToJsonUtf8(request.Benchmark.RunParameters(), request.Parameters);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return scorer.Fail(FailureKind.Rejected, $"invalid scorer request: {ex.Message}");
        }

        create.Env.Add($"{ScorerArtifactDirVariable}={create.WorkingDir}/{ScorerArtifactDirName}");

        await using var workspace = TempFile("scorer-workspace");
        await using var artifact = TempFile("scorer-artifact");
        try
        {
            WorkspaceArchive.Write(workspace, request, paramsJson, _uid, _gid);
            workspace.Position = 0;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return scorer.Fail(FailureKind.SandboxError, $"cannot read the scorer's files: {ex.Message}");
        }

        await ReadArtifactForScorerAsync(trainingContainerId, trainingWorkDir, artifact, scorer, cancellationToken);
        artifact.Position = 0;

        string? containerId = null;
        MultiplexedStream? output = null;
        OutputPump? pump = null;
        try
        {
            try
            {
                containerId = (await _docker.Containers.CreateContainerAsync(create, cancellationToken)).ID;
            }
            catch (DockerImageNotFoundException ex)
            {
                return scorer.Fail(FailureKind.SandboxError, $"scorer image '{request.Benchmark.Image}' is not on the Docker host (the runner never pulls): {DockerMessage(ex)}");
            }

            _active.TryAdd(containerId, 0);
            scorer.ContainerId = containerId;
            _logger.LogInformation("Created scorer sandbox {ContainerId} for experiment {ExperimentId} from {Image}", containerId, request.ExperimentId, request.Benchmark.Image);

            var target = new ContainerPathStatParameters { Path = create.WorkingDir, AllowOverwriteDirWithFile = false };
            await _docker.Containers.ExtractArchiveToContainerAsync(containerId, target, workspace, cancellationToken);
            await _docker.Containers.ExtractArchiveToContainerAsync(containerId, target, artifact, cancellationToken);

            output = await _docker.Containers.AttachContainerAsync(
                containerId, false, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken);
            pump = OutputPump.Start(output, scorer.Output, _logger, request.ExperimentId);

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await _docker.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
            scorer.MarkStarted();
            limit.CancelAfter(request.Benchmark.TimeLimit);

            var timedOut = false;
            try
            {
                await _docker.Containers.WaitContainerAsync(containerId, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
                _logger.LogInformation("Scorer of experiment {ExperimentId} ran past its time limit of {TimeLimit}; killing {ContainerId}", request.ExperimentId, request.Benchmark.TimeLimit, containerId);
                await KillAsync(containerId);
                await WaitExitedAsync(containerId);
            }

            scorer.MarkEnded();
            if (!await pump.DrainAsync(_options.OutputDrainTimeout))
            {
                scorer.Note($"scorer output still coming {_options.OutputDrainTimeout.TotalSeconds:0.0} s after it ended was not read");
            }

            scorer.CloseEarlyStop();

            var inspect = await _docker.Containers.InspectContainerAsync(containerId, cancellationToken);
            scorer.ImageId = inspect.Image;
            scorer.ExitCode = inspect.State?.ExitCode;
            await ReadResultFileAsync(containerId, scorer, create.WorkingDir, cancellationToken);
            return Classify(scorer, inspect.State, timedOut);
        }
        finally
        {
            if (pump is not null)
            {
                await pump.StopAsync();
            }

            output?.Dispose();

            if (containerId is not null)
            {
                await RemoveAsync(containerId);
                _active.TryRemove(containerId, out _);
            }
        }
    }

    /// <summary>
    /// Writes into <paramref name="destination"/> a tar of the training run's <c>out/</c> renamed <c>artifact/</c>: folders and
    /// regular files only, owned by root and read-only (the scorer runs as the sandbox user and cannot change them), within the
    /// artifact byte budget and <see cref="MaxScorerArtifactEntries"/> entries; what is left out is noted on <paramref name="scorer"/>.
    /// </summary>
    private async Task ReadArtifactForScorerAsync(string containerId, string workDir, Stream destination, SandboxRun scorer, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        var now = DateTimeOffset.UtcNow;
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, ScorerArtifactDirName + "/") { Uid = 0, Gid = 0, Mode = ReadOnlyDirectoryMode, ModificationTime = now });

        GetArchiveFromContainerResponse archive;
        try
        {
            archive = await _docker.Containers.GetArchiveFromContainerAsync(
                containerId, new GetArchiveFromContainerParameters { Path = $"{workDir}/{ContainerParametersBuilder.OutputDirName}" }, false, cancellationToken);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            scorer.Note($"the run left no {ContainerParametersBuilder.OutputDirName}/ folder: the scorer got an empty artifact");
            return;
        }

        await using var spool = TempFile("scorer-spool");
        using (archive.Stream)
        {
            await CopyAtMostAsync(archive.Stream, spool, _options.MaxArtifactBytes + (16 * 1024 * 1024), cancellationToken);
        }

        spool.Position = 0;
        long bytes = 0;
        var entries = 0;
        try
        {
            await using var reader = new TarReader(spool, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = entry.Name.Replace('\\', '/').TrimStart('/');
                var slash = name.IndexOf('/');
                var relative = slash < 0 ? "" : name[(slash + 1)..].Trim('/');
                if (relative.Length == 0)
                {
                    continue;
                }

                if (relative.Split('/').Any(p => p is ".." or "." or "") || relative.Any(char.IsControl))
                {
                    scorer.Note("artifact entry with an unsafe name not given to the scorer");
                    continue;
                }

                if (++entries > MaxScorerArtifactEntries)
                {
                    scorer.Note($"the artifact has more than {MaxScorerArtifactEntries} entries; the rest was not given to the scorer");
                    break;
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, $"{ScorerArtifactDirName}/{relative}/")
                        {
                            Uid = 0, Gid = 0, Mode = ReadOnlyDirectoryMode, ModificationTime = now,
                        });
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (bytes + entry.Length > _options.MaxArtifactBytes)
                        {
                            scorer.Note($"artifact {relative} not given to the scorer (artifact size limit of {_options.MaxArtifactBytes} bytes reached)");
                            continue;
                        }

                        bytes += entry.Length;
                        var copy = new PaxTarEntry(TarEntryType.RegularFile, $"{ScorerArtifactDirName}/{relative}")
                        {
                            Uid = 0, Gid = 0, Mode = ReadOnlyFileMode, ModificationTime = now,
                        };
                        copy.DataStream = entry.DataStream ?? new MemoryStream([], writable: false);
                        await writer.WriteEntryAsync(copy, cancellationToken);
                        break;
                    default:
                        scorer.Note($"artifact {relative} ({entry.EntryType}) not given to the scorer: only files and folders are");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            scorer.Note($"the artifact could not be read to its end ({ex.Message}); the scorer got what came before");
        }
    }
}
