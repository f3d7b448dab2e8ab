using System.Globalization;
using System.Text;

namespace AutoResearch.Sandboxes;

/// <summary>Makes names chosen inside a sandbox safe on the host and in terminals, logs and reports.</summary>
internal static class ArtifactNames
{
    /// <summary>Longest path segment kept, in UTF-8 bytes (common file-system limit).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>
    /// One path segment with every control character (C0 such as newline and ESC, DEL, C1), Unicode format character
    /// (bidirectional overrides, zero-width) and separator other than space, and every unpaired surrogate replaced by <c>_</c>;
    /// cut to <see cref="MaxSegmentBytes"/>. Never returns <c>.</c>, <c>..</c> or empty.
    /// </summary>
    public static string SanitizeSegment(string segment)
    {
        var builder = new StringBuilder(segment.Length);
        var bytes = 0;
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            string piece;
            if (char.IsHighSurrogate(c) && i + 1 < segment.Length && char.IsLowSurrogate(segment[i + 1]))
            {
                var rune = new Rune(c, segment[i + 1]);
                piece = Unsafe(Rune.GetUnicodeCategory(rune)) ? "_" : rune.ToString();
                i++;
            }
            else
            {
                piece = char.IsSurrogate(c) || c is '/' or '\\' || Unsafe(char.GetUnicodeCategory(c)) ? "_" : c.ToString();
            }

            var size = Encoding.UTF8.GetByteCount(piece);
            if (bytes + size > MaxSegmentBytes)
            {
                break;
            }

            builder.Append(piece);
            bytes += size;
        }

        var clean = builder.ToString();
        return clean is "" or "." or ".." ? "_" : clean;
    }

    /// <summary>A relative path with each segment sanitized (for notes and logs as well as the host file name).</summary>
    public static string SanitizePath(string relative) =>
        string.Join('/', relative.Split('/').Select(SanitizeSegment));

    private static bool Unsafe(UnicodeCategory category) => category is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
}
