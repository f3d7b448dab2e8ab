using SkiaSharp;

namespace AutoResearch.Reports.Tests;

/// <summary>Checks that bytes are a real, non-blank PNG.</summary>
internal static class PngAssert
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static SKBitmap Decodes(byte[] png, int width, int height)
    {
        Assert.True(png.Length > 8 && png.AsSpan(0, 8).SequenceEqual(Signature), "not a PNG");
        var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        return bitmap;
    }

    public static int DistinctColors(SKBitmap bitmap) => bitmap.Pixels.Select(p => (uint)p).Distinct().Count();

    /// <summary>Pixels within <paramref name="tolerance"/> per channel of <paramref name="hex"/>.</summary>
    public static int CountNear(SKBitmap bitmap, string hex, int tolerance = 6)
    {
        var c = SKColor.Parse(hex);
        return bitmap.Pixels.Count(p =>
            Math.Abs(p.Red - c.Red) <= tolerance && Math.Abs(p.Green - c.Green) <= tolerance && Math.Abs(p.Blue - c.Blue) <= tolerance);
    }
}
