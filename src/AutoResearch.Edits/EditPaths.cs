namespace AutoResearch.Edits;

/// <summary>
/// Which paths an edit may name. A path must be relative and already normal: no absolute path (<c>/x</c>, <c>C:x</c>), no <c>..</c>
/// or <c>.</c> segment, no backslash, no <c>~</c>, no empty segment (<c>a//b</c>, <c>a/</c>), no NUL or other control character.
/// A single leading <c>./</c> is accepted and stripped.
/// </summary>
public static class EditPaths
{
    /// <summary>Checks <paramref name="path"/>; on success <paramref name="normalized"/> is the path without a leading <c>./</c>.</summary>
    /// <param name="path">The path as written.</param>
    /// <param name="normalized">The normalised path, or empty when invalid.</param>
    /// <param name="problem">Null when valid, else a clause completing "the path …", e.g. <c>is absolute</c>.</param>
    public static bool TryNormalize(string? path, out string normalized, out string? problem)
    {
        normalized = "";
        problem = Check(path);
        if (problem is not null) return false;
        normalized = path!.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
        return true;
    }

    /// <summary>The path as it is safe to quote in a message: control characters shown as <c>?</c>, long paths cut.</summary>
    public static string Display(string? path)
    {
        if (path is null) return "";
        var shown = new string(path.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return shown.Length > 120 ? shown[..117] + "..." : shown;
    }

    private static string? Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "is empty";
        if (path.Any(char.IsControl)) return path.Contains('\0') ? "contains a NUL character" : "contains a control character";
        if (path.Contains('\\')) return "contains a backslash";
        if (path[0] == '/' || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')) return "is absolute";
        if (path.Contains('~')) return "contains '~'";
        var rest = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
        foreach (var segment in rest.Split('/'))
        {
            if (segment.Length == 0) return "has an empty segment";
            if (segment == "..") return "contains a '..' segment";
            if (segment == ".") return "contains a '.' segment";
        }
        return null;
    }
}
