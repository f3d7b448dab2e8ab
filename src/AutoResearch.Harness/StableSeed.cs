using System.Text;

namespace AutoResearch.Harness;

/// <summary>Derives a seed from an agent id that is the same on every run, machine and .NET version.</summary>
public static class StableSeed
{
    /// <summary>FNV-1a (32-bit) of the UTF-8 bytes of <paramref name="id"/>, made non-negative.</summary>
    public static int For(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
