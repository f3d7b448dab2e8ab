using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Encoding;

/// <summary>
/// One benchmark parameter mapped to the unit interval (numeric, optionally on a log scale) or to a
/// one-hot block (choices). Integers are mapped over [min − ½, max + ½] so every integer gets an equal share.
/// </summary>
internal sealed class EncodedParameter
{
    private readonly double transformedLow;
    private readonly double transformedHigh;
    private readonly bool log;
    private readonly double low;
    private readonly double high;

    public EncodedParameter(ParameterSpec spec, int offset)
    {
        Spec = spec;
        Offset = offset;
        if (spec.Type == ParameterType.Choice)
        {
            Choices = spec.Choices.Count > 0 ? spec.Choices : [spec.Default];
            Width = Choices.Count;
            return;
        }

        Choices = [];
        Width = 1;
        double min = spec.Min ?? ParseOr(spec.Default, 0);
        double max = spec.Max ?? ParseOr(spec.Default, min);
        if (max < min)
        {
            (min, max) = (max, min);
        }

        if (spec.Type == ParameterType.Int)
        {
            low = Math.Ceiling(min);
            high = Math.Max(low, Math.Floor(max));
            min = low - 0.5;
            max = high + 0.5;
        }
        else
        {
            low = min;
            high = max;
        }

        log = spec.Log && min > 0;
        transformedLow = log ? Math.Log(min) : min;
        transformedHigh = log ? Math.Log(max) : max;
    }

    public ParameterSpec Spec { get; }

    public string Name => Spec.Name;

    public ParameterType Type => Spec.Type;

    public bool IsChoice => Spec.Type == ParameterType.Choice;

    /// <summary>First index of this parameter in the encoded vector.</summary>
    public int Offset { get; }

    /// <summary>1 for numeric parameters, the number of choices for a choice.</summary>
    public int Width { get; }

    public IReadOnlyList<string> Choices { get; }

    /// <summary>Position in [0, 1] of a numeric value (clamped).</summary>
    public double ToUnit(double value)
    {
        double span = transformedHigh - transformedLow;
        if (span <= 0 || double.IsNaN(value))
        {
            return 0.5;
        }

        double t = log ? Math.Log(Math.Max(value, double.Epsilon)) : value;
        return Math.Clamp((t - transformedLow) / span, 0, 1);
    }

    /// <summary>The valid numeric value at unit position <paramref name="u"/> (rounded and clamped for ints).</summary>
    public double FromUnit(double u)
    {
        if (double.IsNaN(u))
        {
            u = 0.5;
        }

        u = Math.Clamp(u, 0, 1);
        double t = transformedLow + u * (transformedHigh - transformedLow);
        double v = u <= 0 ? low : u >= 1 ? high : log ? Math.Exp(t) : t;
        v = Type == ParameterType.Int
            ? Math.Round(v, MidpointRounding.AwayFromZero)
            : RoundSignificant(v); // 0.0013986617 rather than 0.0013986616992729497
        return Math.Clamp(v, low, high);
    }

    /// <summary>The unit interval an integer's bin covers (for a float, a zero-width interval).</summary>
    public (double Low, double High) BinOf(double value) =>
        Type == ParameterType.Int ? (ToUnit(value - 0.5), ToUnit(value + 0.5)) : (ToUnit(value), ToUnit(value));

    /// <summary>Moves <paramref name="u"/> onto the position of the value it decodes to.</summary>
    /// <remarks>Floats only clamp: the 10-significant-digit rounding of <see cref="FromUnit"/> is far below model resolution.</remarks>
    public double Snap(double u) =>
        Type == ParameterType.Int || double.IsNaN(u) || transformedHigh <= transformedLow ? ToUnit(FromUnit(u)) : Math.Clamp(u, 0, 1);

    public string Format(double value) =>
        Type == ParameterType.Int
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Unit position of a stored value; unparsable or missing values fall back to the default, then the middle.</summary>
    public double ParseUnit(string? text)
    {
        if (TryParse(text, out double v) || TryParse(Spec.Default, out v))
        {
            return Snap(ToUnit(v));
        }

        return Snap(0.5);
    }

    /// <summary>Index of a stored choice; unknown values fall back to the default, then the first choice.</summary>
    public int ParseChoice(string? text)
    {
        int i = IndexOf(text);
        if (i < 0)
        {
            i = IndexOf(Spec.Default);
        }

        return Math.Max(i, 0);
    }

    private int IndexOf(string? text)
    {
        if (text is null)
        {
            return -1;
        }

        for (int i = 0; i < Choices.Count; i++)
        {
            if (string.Equals(Choices[i], text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (int i = 0; i < Choices.Count; i++)
        {
            if (string.Equals(Choices[i], text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static double RoundSignificant(double v)
    {
        if (v == 0 || !double.IsFinite(v))
        {
            return v;
        }

        double r = double.Parse(v.ToString("G10", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return r == 0 ? v : r;
    }

    private static bool TryParse(string? text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static double ParseOr(string? text, double fallback) => TryParse(text, out double v) ? v : fallback;
}
