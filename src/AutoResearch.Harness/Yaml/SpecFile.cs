namespace AutoResearch.Harness.Yaml;

/// <summary>Reads a spec file from disk into a YAML tree, reporting a missing or unreadable file.</summary>
internal static class SpecFile
{
    /// <summary>The root node, or null when the file could not be read or parsed (reported to <paramref name="errors"/>).</summary>
    public static YNode? Read(SpecErrorList errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(errors.File);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add("(file)", File.Exists(errors.File) ? $"cannot be read: {e.Message}" : "not found");
            return null;
        }

        return YamlTreeReader.Read(text, errors);
    }

    /// <summary>Reads the file and opens its root map; null when unreadable, unparsable or not a map (all reported once).</summary>
    public static MapReader? OpenRoot(SpecErrorList errors, IReadOnlyCollection<string> knownKeys)
    {
        var root = Read(errors);
        return root is null ? null : MapReader.Open(errors, "", root, knownKeys);
    }
}
