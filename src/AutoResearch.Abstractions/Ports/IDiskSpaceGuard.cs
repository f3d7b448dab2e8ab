using System.Globalization;

namespace AutoResearch.Abstractions.Ports;

/// <summary>
/// Checks the host's free disk space before a sandbox run (the data directory and, where readable, Docker's root), so a
/// campaign pauses instead of filling the disk.
/// </summary>
public interface IDiskSpaceGuard
{
    /// <summary>Ok, or the first watched path whose free space is below the minimum.</summary>
    Task<DiskSpaceCheck> CheckAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a disk space check: <see cref="Ok"/> or <see cref="Low"/>.</summary>
public abstract record DiskSpaceCheck
{
    private DiskSpaceCheck() { }

    public static readonly DiskSpaceCheck Fine = new Ok();

    /// <summary>Every watched path has at least the minimum free (or the guard is off).</summary>
    public sealed record Ok : DiskSpaceCheck;

    /// <summary><paramref name="Path"/> has only <paramref name="FreeBytes"/> free, below <paramref name="MinimumBytes"/>.</summary>
    public sealed record Low(string Path, long FreeBytes, long MinimumBytes) : DiskSpaceCheck
    {
        /// <summary>"only 1.50 GiB free under /data, below the 2.00 GiB minimum; free space and resume".</summary>
        public string Describe() =>
            $"only {Gib(FreeBytes)} GiB free under {Path}, below the {Gib(MinimumBytes)} GiB minimum; free space and resume";

        private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture);
    }
}
