using System.Formats.Tar;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Unpacks the tar Docker returns for a folder (entries prefixed by the folder's name) into a host folder:
/// regular files and folders only (links and devices skipped), never outside the target, at most a byte budget.
/// </summary>
internal static class ArtifactExtractor
{
    public static async Task<ArtifactCopyOutcome> ExtractAsync(Stream tar, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        var skipped = new List<string>();
        var files = 0;
        long bytes = 0;

        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            // Docker names entries "<folder>/..."; strip that first segment.
            var name = entry.Name.Replace('\\', '/').TrimStart('/');
            var slash = name.IndexOf('/');
            var relative = slash < 0 ? "" : name[(slash + 1)..].Trim('/');
            if (relative.Length == 0)
            {
                continue;
            }

            if (relative.Split('/').Any(p => p is ".." or "." or ""))
            {
                skipped.Add($"{relative} (unsafe path)");
                continue;
            }

            var target = Path.GetFullPath(Path.Combine(root, relative));
            if (!target.StartsWith(prefix, StringComparison.Ordinal))
            {
                skipped.Add($"{relative} (outside the artifacts folder)");
                continue;
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (bytes + entry.Length > maxBytes)
                    {
                        skipped.Add($"{relative} (artifact size limit of {maxBytes} bytes reached)");
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    if (entry.DataStream is { } data)
                    {
                        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None);
                        await data.CopyToAsync(output, cancellationToken);
                    }
                    else
                    {
                        await File.WriteAllBytesAsync(target, [], cancellationToken);
                    }

                    files++;
                    bytes += entry.Length;
                    break;
                default:
                    skipped.Add($"{relative} ({entry.EntryType} not copied)");
                    break;
            }
        }

        return new ArtifactCopyOutcome(files, bytes, skipped);
    }
}
