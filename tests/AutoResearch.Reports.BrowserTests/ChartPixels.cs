using SkiaSharp;

namespace AutoResearch.Reports.BrowserTests;

/// <summary>What a screenshot of a chart holds: its colors and how much of it is not background.</summary>
internal sealed class ChartPixels : IDisposable
{
    private readonly SKBitmap _bitmap;

    private ChartPixels(SKBitmap bitmap) => _bitmap = bitmap;

    public int Width => _bitmap.Width;
    public int Height => _bitmap.Height;

    public static ChartPixels Decode(byte[] png) =>
        new(SKBitmap.Decode(png) ?? throw new InvalidOperationException($"{png.Length} bytes do not decode as an image."));

    public int DistinctColors() => _bitmap.Pixels.Select(p => (uint)p).Distinct().Count();

    /// <summary>Share of pixels that differ from the most common color (the background) by more than a few levels.</summary>
    public double NonBackgroundShare()
    {
        var pixels = _bitmap.Pixels;
        var background = pixels.GroupBy(p => (uint)p).MaxBy(g => g.Count())!.Key;
        var bg = new SKColor(background);
        return (double)pixels.Count(p => !Near(p, bg, 8)) / pixels.Length;
    }

    /// <summary>Pixels within <paramref name="tolerance"/> per channel of (<paramref name="r"/>, <paramref name="g"/>, <paramref name="b"/>), left of <paramref name="maxX"/>.</summary>
    public int CountNear(byte r, byte g, byte b, int maxX, int tolerance = 10)
    {
        var target = new SKColor(r, g, b);
        var count = 0;
        for (var y = 0; y < _bitmap.Height; y++)
        {
            for (var x = 0; x < Math.Min(maxX, _bitmap.Width); x++)
            {
                if (Near(_bitmap.GetPixel(x, y), target, tolerance))
                {
                    count++;
                }
            }
        }

        return count;
    }

    public void Dispose() => _bitmap.Dispose();

    private static bool Near(SKColor a, SKColor b, int tolerance) =>
        Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance && Math.Abs(a.Blue - b.Blue) <= tolerance;
}
