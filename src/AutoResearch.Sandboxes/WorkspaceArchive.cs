using System.Formats.Tar;
using System.Text;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Builds the tar copied into the work directory before start: the benchmark's files (folders recursively, symlinks skipped),
/// the edited files over them, <c>params.json</c>, and an empty <c>out/</c>; every entry owned by the sandbox user.
/// </summary>
internal static class WorkspaceArchive
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode RegularMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode ExecutableMode = RegularMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Writes the archive into <paramref name="destination"/> (left open, positioned at its end).</summary>
    /// <exception cref="ArgumentException">A file path is absolute or leaves the work directory.</exception>
    /// <exception cref="FileNotFoundException">A benchmark file does not exist.</exception>
    public static void Write(Stream destination, SandboxRequest request, byte[] paramsJson, int uid, int gid)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(request);
        var root = Path.GetFullPath(request.Benchmark.Directory);

        // relative path → (source file on the host | in-memory content, mode)
        var files = new SortedDictionary<string, (string? HostPath, byte[]? Content, UnixFileMode Mode)>(StringComparer.Ordinal);
        foreach (var file in request.Benchmark.Files)
        {
            var relative = NormalizeRelative(file, "benchmark file");
            var full = Path.GetFullPath(Path.Combine(root, relative));
            EnsureInside(root, full, file);
            if (Directory.Exists(full))
            {
                foreach (var nested in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
                {
                    var info = new FileInfo(nested);
                    if (info.LinkTarget is not null || IsUnderSymlink(full, nested))
                    {
                        continue;
                    }

                    var nestedRelative = NormalizeRelative(Path.GetRelativePath(root, nested), "benchmark file");
                    files[nestedRelative] = (nested, null, ModeOf(nested));
                }
            }
            else if (File.Exists(full))
            {
                if (new FileInfo(full).LinkTarget is not null && !IsInside(root, Path.GetFullPath(new FileInfo(full).ResolveLinkTarget(true)!.FullName)))
                {
                    throw new ArgumentException($"Benchmark file '{file}' links outside the benchmark folder.");
                }

                files[relative] = (full, null, ModeOf(full));
            }
            else
            {
                throw new FileNotFoundException($"Benchmark file '{file}' not found in {root}.", full);
            }
        }

        foreach (var (path, content) in request.EditedFiles)
        {
            var relative = NormalizeRelative(path, "edited file");
            var mode = files.TryGetValue(relative, out var existing) ? existing.Mode : RegularMode;
            files[relative] = (null, Encoding.UTF8.GetBytes(content ?? ""), mode);
        }

        files[ContainerParametersBuilder.ParamsFileName] = (null, paramsJson, RegularMode);

        var directories = new SortedSet<string>(StringComparer.Ordinal) { ContainerParametersBuilder.OutputDirName };
        foreach (var relative in files.Keys)
        {
            for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
            {
                directories.Add(relative[..slash]);
            }
        }

        foreach (var relative in files.Keys.Where(directories.Contains))
        {
            throw new ArgumentException($"'{relative}' is both a file and a folder.");
        }

        var now = DateTimeOffset.UtcNow;
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        // No "./" entry: Docker skips the root of an extraction, so the work directory's own owner comes from the image.
        foreach (var directory in directories)
        {
            writer.WriteEntry(Entry(TarEntryType.Directory, directory + "/", DirectoryMode, uid, gid, now));
        }

        foreach (var (relative, (hostPath, content, mode)) in files)
        {
            var entry = Entry(TarEntryType.RegularFile, relative, mode, uid, gid, now);
            using var data = hostPath is not null
                ? new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read)
                : (Stream)new MemoryStream(content!, writable: false);
            entry.DataStream = data;
            writer.WriteEntry(entry);
        }
    }

    /// <summary>Turns a user-supplied relative path into a clean <c>a/b/c</c> form.</summary>
    /// <exception cref="ArgumentException">The path is empty, absolute, or walks out with <c>..</c>.</exception>
    public static string NormalizeRelative(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"An empty {what} path is not allowed.");
        }

        var unified = path.Replace('\\', '/');
        if (unified.StartsWith('/') || Path.IsPathRooted(path) || unified.Contains('\0'))
        {
            throw new ArgumentException($"The {what} path '{path}' must be relative.");
        }

        var parts = new List<string>();
        foreach (var part in unified.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                throw new ArgumentException($"The {what} path '{path}' may not contain '..'.");
            }

            parts.Add(part);
        }

        if (parts.Count == 0)
        {
            throw new ArgumentException($"The {what} path '{path}' names no file.");
        }

        return string.Join('/', parts);
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, UnixFileMode mode, int uid, int gid, DateTimeOffset time) =>
        new(type, name)
        {
            Uid = uid,
            Gid = gid,
            Mode = mode,
            ModificationTime = time,
        };

    private static UnixFileMode ModeOf(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return RegularMode;
        }

        return (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0 ? ExecutableMode : RegularMode;
    }

    private static void EnsureInside(string root, string full, string original)
    {
        if (!IsInside(root, full))
        {
            throw new ArgumentException($"Benchmark file '{original}' is outside the benchmark folder.");
        }
    }

    private static bool IsInside(string root, string full)
    {
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) || full == root;
    }

    private static bool IsUnderSymlink(string top, string file)
    {
        for (var dir = Path.GetDirectoryName(file); dir is not null && dir.Length > top.Length; dir = Path.GetDirectoryName(dir))
        {
            if (new DirectoryInfo(dir).LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
    }
}
