using System.Formats.Tar;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Unpacks the tar Docker returns for a folder (entries prefixed by the folder's name) into a host folder:
/// regular files and folders only (links and devices skipped), never outside the target, names sanitized
/// (<see cref="ArtifactNames"/>), within a budget of files and bytes (<see cref="ArtifactBudget"/>).
/// </summary>
internal static class ArtifactExtractor
{
    /// <summary>Extracts with a byte cap only.</summary>
    public static async Task<ArtifactCopyOutcome> ExtractAsync(Stream tar, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        var outcome = new ArtifactCopyOutcome();
        await ExtractAsync(tar, destination, new ArtifactBudget(int.MaxValue, maxBytes), outcome, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Extracts into <paramref name="destination"/>, filling <paramref name="outcome"/> as it goes (so a cancelled copy keeps its
    /// counts; a file cut by cancellation is deleted).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task ExtractAsync(Stream tar, string destination, ArtifactBudget budget, ArtifactCopyOutcome outcome, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        var written = new HashSet<string>(StringComparer.Ordinal);

        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            // Docker names entries "<folder>/..."; strip that first segment.
            var name = entry.Name.Replace('\\', '/').TrimStart('/');
            var slash = name.IndexOf('/');
            var raw = slash < 0 ? "" : name[(slash + 1)..].Trim('/');
            if (raw.Length == 0)
            {
                continue;
            }

            var shown = ArtifactNames.SanitizePath(raw);
            if (raw.Split('/').Any(p => p is ".." or "." or ""))
            {
                outcome.Skip($"{shown} (unsafe path)");
                continue;
            }

            var relative = shown;
            var target = Path.GetFullPath(Path.Combine(root, relative));
            if (!target.StartsWith(prefix, StringComparison.Ordinal))
            {
                outcome.Skip($"{shown} (outside the artifacts folder)");
                continue;
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (outcome.Limit is not (ArtifactLimit.None or ArtifactLimit.RunBytes or ArtifactLimit.CampaignBytes))
                    {
                        // A file-count cap was reached: every later file is skipped too (bytes caps still let small files in).
                        outcome.SkippedByLimit++;
                        outcome.Skip($"{shown} ({budget.Describe(outcome.Limit)})");
                        continue;
                    }

                    if (!written.Add(target))
                    {
                        outcome.Skip($"{shown} (its name collides with another artifact's after sanitizing)");
                        continue;
                    }

                    var limit = budget.TryTake(outcome.Files, outcome.Bytes, entry.Length);
                    if (limit != ArtifactLimit.None)
                    {
                        if (outcome.Limit == ArtifactLimit.None)
                        {
                            outcome.Limit = limit;
                        }

                        outcome.SkippedByLimit++;
                        outcome.Skip($"{shown} ({budget.Describe(limit)})");
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await WriteAsync(entry, target, cancellationToken);
                    outcome.Files++;
                    outcome.Bytes += entry.Length;
                    break;
                default:
                    outcome.Skip($"{shown} ({entry.EntryType} not copied)");
                    break;
            }
        }
    }

    private static async Task WriteAsync(TarEntry entry, string target, CancellationToken cancellationToken)
    {
        if (entry.DataStream is not { } data)
        {
            await File.WriteAllBytesAsync(target, [], cancellationToken);
            return;
        }

        try
        {
            await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None);
            await data.CopyToAsync(output, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Never leave a half-written artifact behind.
            File.Delete(target);
            throw;
        }
    }
}
