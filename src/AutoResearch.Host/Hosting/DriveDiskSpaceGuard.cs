using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoResearch.Host.Hosting;

/// <summary>
/// <see cref="IDiskSpaceGuard"/> over the file systems that hold the watched paths (<see cref="DriveInfo"/> of each path's
/// mount): the data directory and, resolved once on the first check, Docker's root directory when it is readable here.
/// A minimum of 0 turns the guard off.
/// </summary>
public sealed class DriveDiskSpaceGuard : IDiskSpaceGuard
{
    private readonly long _minimumBytes;
    private readonly IReadOnlyList<string> _paths;
    private readonly Lazy<Task<string?>> _extra;
    private readonly ILogger _logger;

    public DriveDiskSpaceGuard(long minimumBytes, IReadOnlyList<string> paths, Func<Task<string?>>? extraPath = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumBytes);
        ArgumentNullException.ThrowIfNull(paths);
        _minimumBytes = minimumBytes;
        _paths = paths;
        _extra = new Lazy<Task<string?>>(extraPath ?? (() => Task.FromResult<string?>(null)));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<DiskSpaceCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        if (_minimumBytes == 0) return DiskSpaceCheck.Fine;
        var paths = _paths.ToList();
        if (await _extra.Value is { } extra) paths.Add(extra);
        return Check(paths, _minimumBytes, _logger);
    }

    /// <summary>The first of <paramref name="paths"/> with less than <paramref name="minimumBytes"/> free; paths that cannot be measured are skipped.</summary>
    public static DiskSpaceCheck Check(IEnumerable<string> paths, long minimumBytes, ILogger? logger = null)
    {
        if (minimumBytes <= 0) return DiskSpaceCheck.Fine;
        foreach (var path in paths)
        {
            if (FreeBytes(path) is not { } free)
            {
                (logger ?? NullLogger.Instance).LogDebug("Free space under {Path} cannot be measured; not watched", path);
                continue;
            }
            if (free < minimumBytes) return new DiskSpaceCheck.Low(path, free, minimumBytes);
        }
        return DiskSpaceCheck.Fine;
    }

    /// <summary>Bytes available to this process on the file system holding <paramref name="path"/>; null when it cannot be measured.</summary>
    public static long? FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
